"""Django's template backend, with each page's context taken apart once the page
is written.

A context and each of its layers point at each other (`ContextDict.context`), a
reference cycle: everything a page was given (its lazy values, rows, model
instances) outlived the request until the garbage collector's next pass, which
walked it on the way. A digest read afresh left about 1,000 such objects; the
collector took a sixth of its time as served. Taken apart, they are freed as the
request ends."""

from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import make_context


class DjangoTemplates(django_backend.DjangoTemplates):
    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self)


class Template(django_backend.Template):
    def render(self, context=None, request=None):
        context = make_context(
            context, request, autoescape=self.backend.engine.autoescape
        )
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            context.dicts.clear()
            context.render_context.dicts.clear()
