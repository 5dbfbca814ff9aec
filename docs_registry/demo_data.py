"""Demo content for `manage.py seed_demo`, as plain data.

The reference documents of Northdesk, a fictional B2B helpdesk and customer-analytics
SaaS (plans Starter, Team, Business and Enterprise, and a Premium Support add-on).

Each entry of DOCUMENTS gives the body of version 1 and then its later versions as
`revisions`: (summary, significance, edits), where `edits` are (old, new) text
replacements applied to the previous version's body. Each `old` must occur exactly
once in that body; the seed stops with an error otherwise, so an edit that no longer
matches is caught instead of publishing an unchanged version.

Document IDs are handed out in the order of DOCUMENTS within each prefix, and the
bodies link to each other by those IDs (`/docs/POL-0001/`): keep the order when
adding documents, and add new ones at the end of their category.
"""

# The manager leads both teams (like a Head of Customer Operations), so they read
# both teams' digests and count in both teams' acknowledgment coverage.
ACCOUNTS = (
    {
        "username": "manager",
        "first_name": "Morgan",
        "last_name": "Reyes",
        "email": "manager@example.com",
        "job_title": "Head of Customer Operations",
        "in_sales": True,
        "in_support": True,
        "is_manager": True,
        "is_staff": True,
    },
    {
        "username": "sales-lead",
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "sales-lead@example.com",
        "job_title": "Head of Sales",
        "in_sales": True,
        "in_support": False,
        "is_manager": False,
        "is_staff": False,
    },
    {
        "username": "support-lead",
        "first_name": "Daniel",
        "last_name": "Okafor",
        "email": "support-lead@example.com",
        "job_title": "Support Lead",
        "in_sales": False,
        "in_support": True,
        "is_manager": False,
        "is_staff": False,
    },
    {
        "username": "sales",
        "first_name": "Sam",
        "last_name": "Patel",
        "email": "sales@example.com",
        "job_title": "Account Executive",
        "in_sales": True,
        "in_support": False,
        "is_manager": False,
        "is_staff": False,
    },
    {
        "username": "support",
        "first_name": "Taylor",
        "last_name": "Kim",
        "email": "support@example.com",
        "job_title": "Support Agent",
        "in_sales": False,
        "in_support": True,
        "is_manager": False,
        "is_staff": False,
    },
)

# (name, prefix, description)
CATEGORIES = (
    (
        "Pricing",
        "PRC",
        "List prices, discounts and billing terms, and who may change them.",
    ),
    (
        "Policy",
        "POL",
        "Refunds, credits, escalations, SLAs, data retention and trials.",
    ),
    ("Product", "PRD", "What the product does and does not do, plan by plan."),
    (
        "Hand-offs",
        "HND",
        "Who passes what to whom between sales and support, and by when.",
    ),
    (
        "Standard answers",
        "FAQ",
        "The agreed wording for questions customers ask both teams.",
    ),
)


# --- Pricing -------------------------------------------------------------------

_LIST_PRICES = """\
# List prices and plan comparison

These are the only list prices sales and support quote. Prices are per agent seat
per month, in US dollars, excluding tax. Anything below list needs approval under
[PRC-0002 Discount approval rules](/docs/PRC-0002/).

## Plans

| Plan | Annual billing | Monthly billing | Seats | Who it is for |
|---|---|---|---|---|
| Starter | $12 | $15 | 1–5 | Small teams answering email and chat |
| Team | $29 | $35 | 3–50 | Growing support teams |
| Business | $59 | $69 | 10–500 | Teams that need SSO, SLAs and analytics |
| Enterprise | Quote | Quote | 50+ | Regulated or very large teams |

Annual billing is paid up front; terms are in [PRC-0003](/docs/PRC-0003/).

## What each plan includes

| Feature | Starter | Team | Business | Enterprise |
|---|---|---|---|---|
| Email and chat channels | Yes | Yes | Yes | Yes |
| Knowledge bases | 1 | 3 | Unlimited | Unlimited |
| Automations | 10 | 100 | Unlimited | Unlimited |
| Insights dashboards | — | Standard | Custom | Custom |
| SAML single sign-on | — | — | Yes | Yes |
| API requests per minute | 60 | 200 | 600 | 2,000 |
| Support channels | Email | Email, chat | Email, chat | Email, chat, phone |

## Add-ons

- **Premium Support**: 15% of the annual subscription, minimum $3,000 a year.
  Business and Enterprise only. Details in [PRC-0004](/docs/PRC-0004/).
- **Extra Insigths storage**: $200 a month for each additional 12 months of history.
- **Sandbox workspace**: $300 a month, Business and Enterprise.

## Enterprise pricing

Enterprise starts at **$25,000 a year** (minimum 50 seats). Quotes are built by the
Deal Desk with the calculator in Salesforce; do not send a number to a customer
before the Deal Desk has approved it.

## What not to say

- Do not quote a "per user" price: we charge per **agent seat**. Light agents
  (view and comment only) are free; see [PRD-0002](/docs/PRD-0002/).
- Do not promise a price for a future renewal. Renewals are priced from this page
  as it stands on the renewal date.
- Do not compare our prices with a named competitor's in writing.
"""

LIST_PRICES = {
    "category": "PRC",
    "title": "List prices and plan comparison",
    "audience": "both",
    "owner": "sales-lead",
    "body": _LIST_PRICES,
    "revisions": (
        (
            "Raised the Team plan from $29 to $32 per seat (annual) and from $35 to "
            "$38 (monthly) for new customers from 1 February 2027; existing Team "
            "customers keep their price until their next renewal.",
            "major",
            (
                (
                    "| Team | $29 | $35 | 3–50 |",
                    "| Team | $32 | $38 | 3–50 |",
                ),
                (
                    "terms are in [PRC-0003](/docs/PRC-0003/).\n",
                    "terms are in [PRC-0003](/docs/PRC-0003/).\n\n"
                    "Team customers who signed before 1 February 2027 keep $29 (annual)"
                    "\nor $35 (monthly) until their next renewal, which is quoted at "
                    "the new\nprice.\n",
                ),
            ),
        ),
        (
            'Fixed a typo in the add-ons list: "Insigths" now reads "Insights".',
            "minor",
            (("**Extra Insigths storage**", "**Extra Insights storage**"),),
        ),
        (
            "Raised the Business plan API limit from 600 to 1,000 requests per "
            "minute, to match PRD-0001 v2 after the API gateway upgrade.",
            "major",
            (
                (
                    "| API requests per minute | 60 | 200 | 600 | 2,000 |",
                    "| API requests per minute | 60 | 200 | 1,000 | 2,000 |",
                ),
            ),
        ),
    ),
}

_DISCOUNTS = """\
# Discount approval rules

Who may grant how much off list price ([PRC-0001](/docs/PRC-0001/)). A discount is
anything that lowers what the customer pays in the first term: a lower seat price,
free seats, free months or a waived add-on.

## Approval limits

| Total discount | Who approves | How |
|---|---|---|
| Up to 15% | Account Executive | Reason noted on the Salesforce opportunity |
| 15–25% | Sales Manager | Approval request in Salesforce |
| 25–35% | Head of Sales | Approval request and a written business case |
| Over 35% | CFO | Deal Desk prepares the case; allow 3 business days |

Discounts stack: 10% off the seat price plus two free months on an annual plan is
about 25% in total. Use the Deal Desk calculator to work out the total; do not add
percentages by hand.

## Rules at every level

- Starter is never discounted. Point price-sensitive small teams to monthly
  billing, or to [PRC-0005](/docs/PRC-0005/) if they qualify.
- Premium Support is never sold below its $3,000 minimum.
- A discount applies to the first term only unless the order form says otherwise.
  Multi-year price locks need the Head of Sales at any percentage.
- No discount in exchange for a case study or logo rights unless Marketing has
  signed off the request.
- "The customer asked" and "it is quarter end" are not reasons. Write down what we
  get in return: a longer term, more seats, or payment up front.

## Renewals

At renewal the AE may keep an existing discount at the same percentage. Any
increase follows the table above. Support never promises a renewal discount;
renewal conversations go to sales as described in [HND-0002](/docs/HND-0002/).

## Questions

Post in **#deal-desk** on Slack. The Deal Desk answers within one business day.
"""

DISCOUNTS = {
    "category": "PRC",
    "title": "Discount approval rules",
    "audience": "sales",
    "owner": "sales-lead",
    "body": _DISCOUNTS,
    "revisions": (
        (
            "Lowered the Account Executive's limit from 15% to 10% and moved 10–25% "
            "to the Sales Manager, because the average discount rose to 19% last "
            "quarter.",
            "major",
            (
                (
                    "| Up to 15% | Account Executive |",
                    "| Up to 10% | Account Executive |",
                ),
                ("| 15–25% | Sales Manager |", "| 10–25% | Sales Manager |"),
            ),
        ),
        (
            "Fixed the Slack channel name: it is #deal-desk-requests, not #deal-desk.",
            "minor",
            (
                (
                    "Post in **#deal-desk** on Slack.",
                    "Post in **#deal-desk-requests** on Slack.",
                ),
            ),
        ),
    ),
}

_BILLING = """\
# Annual and monthly billing

Every plan except Enterprise can be billed monthly or annually. Enterprise is annual
only. Prices for both are in [PRC-0001](/docs/PRC-0001/).

## Side by side

| | Monthly | Annual |
|---|---|---|
| Price | List monthly price | About 17% less than monthly |
| Payment | Card, charged monthly | Card or invoice, paid up front |
| Invoice terms | — | Net 30 |
| Adding seats | From the next monthly bill | Prorated to the end of the term |
| Removing seats | From the next monthly bill | Only at renewal |
| Cancelling | Any time; ends with the month | At the end of the term |
| Price changes | 30 days' notice | Fixed for the term |

## Switching

- **Monthly to annual**: any time. The annual term starts on the day of the switch;
  the unused part of the current month is credited on the first annual invoice.
- **Annual to monthly**: only at renewal. Support cannot switch a customer early.

## Invoices and payment

- Invoices are sent from billing@northdesk.example on the first day of the term.
- A purchase order number must reach us before the invoice is issued; we re-issue
  an invoice once, at no charge, to add one.
- We bill in USD, EUR and GBP. Finance sets the EUR and GBP prices each January
  and lists them in the billing handbook.
- A customer whose invoice is 30 days overdue gets a reminder; at 45 days the
  workspace becomes read-only. Support never lifts a read-only block: Finance
  does, once payment arrives.

## Who answers what

Billing questions from customers go to support first. Anything about price,
discounts or term length goes to the account's AE (see [HND-0002](/docs/HND-0002/)).
"""

BILLING = {
    "category": "PRC",
    "title": "Annual and monthly billing",
    "audience": "both",
    "owner": "sales-lead",
    "body": _BILLING,
    "revisions": (
        (
            "Annual plans under $5,000 a year now pay by card only; invoices are for "
            "larger contracts, because chasing small invoices cost more than it "
            "brought in.",
            "major",
            (
                (
                    "| Card or invoice, paid up front |",
                    "| Card; invoice over $5,000 a year |",
                ),
                (
                    "| Invoice terms | — | Net 30 |",
                    "| Invoice terms | — | Net 30, if invoiced |",
                ),
            ),
        ),
        (
            "An overdue workspace now becomes read-only at 60 days instead of 45, "
            "after customers with slow procurement were locked out; the reminder at "
            "30 days stays.",
            "major",
            (("at 45 days the", "at 60 days the"),),
        ),
    ),
}

_PREMIUM_SUPPORT = """\
# Premium Support add-on

Premium Support is the paid add-on for customers who need faster answers and a
named contact. Sales sells it and support delivers it, so both teams describe it in
exactly these words.

## Price

- 15% of the annual subscription value, **minimum $3,000 a year**.
- Business and Enterprise plans only; not sold on Starter or Team.
- Billed with the subscription, for the same term. Never discounted below the
  minimum (see [PRC-0002](/docs/PRC-0002/)).

## What is included

| | Standard support | Premium Support |
|---|---|---|
| Channels | By plan | Email, chat, phone |
| Severity 1 first response | By plan | 1 hour, 24/7 |
| Severity 2 first response | By plan | 4 hours, 24/7 |
| Named Technical Account Manager | No | Yes |
| Quarterly health review | No | Yes |
| Sandbox workspace | Extra cost | Included |

Response targets for every plan are in [POL-0004](/docs/POL-0004/); severity levels
are defined in [POL-0003](/docs/POL-0003/).

## What is not included

- Custom development, data migration or on-site visits. These are Professional
  Services, quoted separately.
- Support for third-party tools beyond our published integrations.
- Guaranteed resolution times. We commit to response times, not to fixes.

## Selling it

Offer Premium Support when a prospect asks for phone support, a named contact or
round-the-clock cover. Never describe standard support as "24/7": it is not.

## Delivering it

Support tags the account **premium** in the helpdesk within one business day of
signature so the routing rules apply. The AE's hand-off
([HND-0001](/docs/HND-0001/)) must say that the add-on was sold.
"""

PREMIUM_SUPPORT = {
    "category": "PRC",
    "title": "Premium Support add-on",
    "audience": "both",
    "owner": "support-lead",
    "body": _PREMIUM_SUPPORT,
    "revisions": (
        (
            "Limited phone cases to 5 named customer contacts (previously anyone), "
            "because two accounts routed their whole company through the phone line.",
            "major",
            (
                (
                    "| Channels | By plan | Email, chat, phone |\n",
                    "| Channels | By plan | Email, chat, phone |\n"
                    "| Who may phone | — | Up to 5 named contacts |\n",
                ),
            ),
        ),
    ),
    # Published now, in force from the first day of next month: the price change
    # both teams are told of before it applies.
    "announced": (
        "New price from the 1st of next month: the minimum rises from $3,000 to "
        "$3,600 a year. Quotes sent before then keep the old minimum for 30 days.",
        "major",
        (
            (
                "minimum $3,000 a year",
                "minimum $3,600 a year",
            ),
        ),
    ),
}

_PROGRAMME_PRICING = """\
# Non-profit and education pricing

Registered non-profits and accredited schools and universities get a fixed discount
off list price ([PRC-0001](/docs/PRC-0001/)). This is a programme, not a negotiated
discount: it does not count against the limits in [PRC-0002](/docs/PRC-0002/) and
needs no approval once eligibility is checked.

## Discount

| Plan | Non-profit | Education |
|---|---|---|
| Starter | 50% | 50% |
| Team | 40% | 40% |
| Business | 30% | 35% |
| Enterprise | Quote via Deal Desk | Quote via Deal Desk |

Add-ons, including Premium Support, are charged at list price.

## Who qualifies

- **Non-profits**: registered charities or 501(c)(3) organisations, or the
  equivalent in the customer's country. Political parties, trade associations and
  hospital groups with more than 1,000 staff do not qualify.
- **Education**: accredited schools, colleges and universities. Commercial training
  companies and edtech vendors do not qualify.

## How to apply it

1. Ask the customer for proof: a registration number we can check on a public
   register, or an official letter on the school's letterhead.
2. Attach the proof to the Salesforce account and tick **Programme pricing**.
3. Choose the *Non-profit* or *Education* price book on the opportunity. Never type
   the discount by hand.
4. The Deal Desk spot-checks one application in five each month.

## Renewals

Eligibility is checked again at every renewal. An organisation that no longer
qualifies moves to list price at renewal, with 60 days' notice from the AE. It is
never moved mid-term.

## Trials

Programme customers get the standard 14-day trial ([POL-0006](/docs/POL-0006/)); the
discount applies from the first paid invoice.
"""

PROGRAMME_PRICING = {
    "category": "PRC",
    "title": "Non-profit and education pricing",
    "audience": "sales",
    "owner": "sales-lead",
    "body": _PROGRAMME_PRICING,
    "revisions": (),
}


# --- Policy --------------------------------------------------------------------

_REFUNDS = """\
# Refund policy

This is the one refund policy. Sales and support quote it in these words. If a
customer asks for something it does not cover, ask for an exception as described at
the end rather than improvising.

## When we refund

| Situation | Monthly plans | Annual plans |
|---|---|---|
| Full refund window | 30 days from first payment | 30 days from first payment |
| Cancelled after that | No refund | Unused whole months, less 10% |
| Charged twice, or after cancelling | Wrong charge refunded | Wrong charge refunded |
| Downgrade during the term | No refund | No refund |
| Outage or missed target | Service credit | Service credit |

Outages and missed response targets are handled with service credits, never
refunds: see [POL-0002](/docs/POL-0002/).

## Who may approve

- **Support agents** refund duplicate and post-cancellation charges, any amount.
- **Support Lead** approves every other refund up to $2,000.
- **Head of Customer Operations** approves refunds over $2,000 and any exception to
  this page.

Refunds go back to the original payment method within 5–10 business days. We do not
refund to a different card or bank account.

## What to tell the customer

> We've proccessed a refund of $AMOUNT to the card ending NNNN. It usually appears
> within 5–10 business days, depending on your bank.

Never promise a refund before it is approved. Say: "I've asked for approval and will
update you within one business day."

## Exceptions

Ask for an exception in the ticket with the tag **refund-exception**, stating the
amount, the reason and the account's annual value. The Head of Customer Operations
answers within two business days.
"""

REFUNDS = {
    "category": "POL",
    "title": "Refund policy",
    "audience": "both",
    "owner": "support-lead",
    "body": _REFUNDS,
    "revisions": (
        (
            "Shortened the full-refund window for monthly plans from 30 to 14 days, "
            "because monthly customers were using a full month and then asking for "
            "their money back; annual plans keep 30 days.",
            "major",
            (
                (
                    "| Full refund window | 30 days from first payment |",
                    "| Full refund window | 14 days from first payment |",
                ),
            ),
        ),
        (
            'Fixed a typo in the customer reply: "proccessed" now reads "processed".',
            "minor",
            (("We've proccessed", "We've processed"),),
        ),
        (
            "Raised the Support Lead's refund approval limit from $2,000 to $5,000, "
            "so fewer refunds wait for the Head of Customer Operations.",
            "major",
            (
                (
                    "every other refund up to $2,000.",
                    "every other refund up to $5,000.",
                ),
                ("approves refunds over $2,000", "approves refunds over $5,000"),
            ),
        ),
    ),
}

_CREDITS = """\
# Credits and refunds: which to offer

A **service credit** reduces a future invoice. A **refund** returns money already
paid. They solve different problems, and offering the wrong one costs us either
money or goodwill. Refund rules are in [POL-0001](/docs/POL-0001/).

## Decide in this order

1. Was the customer charged by mistake (twice, after cancelling, wrong plan)?
   **Refund** the wrong charge, and nothing else.
2. Did we have an outage shown on the
   [status page](https://status.northdesk.example)?
   **Service credit**, from the table below.
3. Is the customer unhappy with the product and leaving? Follow the refund policy.
   Credits are not for keeping a customer who has already decided to leave.
4. Anything else, such as a bug that cost them time? A goodwill credit within your
   limit, or escalate.

## Service credits for outages

Service credits apply to Business and Enterprise, which carry the 99.9% uptime
commitment ([FAQ-0002](/docs/FAQ-0002/)). Starter and Team get goodwill credits only.

| Monthly uptime | Credit on that month's fee |
|---|---|
| 99.9% or more | None |
| 99.0% to 99.9% | 10% |
| 95.0% to 99.0% | 25% |
| Below 95.0% | 50% |

The customer must ask within 30 days of the end of the month. Credits never exceed
50% of the month's fee and are never paid out in cash.

## Goodwill credit limits

| Who | Limit per account per quarter |
|---|---|
| Support agent | $250 |
| Support Lead | $1,000 |
| Head of Customer Operations | Above $1,000 |

Record every credit in the billing system with the ticket number in the note, so
Finance can match it.

## How to word it

Say "service credit", never "discount" or "refund": discounts are a sales decision
([PRC-0002](/docs/PRC-0002/)), and a customer who hears "refund" expects money back.
"""

CREDITS = {
    "category": "POL",
    "title": "Credits and refunds: which to offer",
    "audience": "support",
    "owner": "support-lead",
    "body": _CREDITS,
    "revisions": (
        (
            "Raised the support agent's goodwill credit limit from $250 to $500 per "
            "account per quarter: half of all credit escalations were for amounts "
            "between the two.",
            "major",
            (("| Support agent | $250 |", "| Support agent | $500 |"),),
        ),
        (
            "Reworded the uptime bands so a boundary value such as 99.0% belongs to "
            "one band only; no credit amounts changed.",
            "minor",
            (
                ("| 99.0% to 99.9% | 10% |", "| 99.0% to under 99.9% | 10% |"),
                ("| 95.0% to 99.0% | 25% |", "| 95.0% to under 99.0% | 25% |"),
            ),
        ),
    ),
}

_ESCALATION = """\
# Escalation policy and severity levels

Every support case gets a severity when it is opened. The severity decides the
response target ([POL-0004](/docs/POL-0004/)) and who is pulled in. The agent who
takes the case sets it; the Support Lead may change it.

## Severity levels

| Severity | Definition | Example |
|---|---|---|
| 1 Critical | Unusable for many users; no workaround | Agents cannot log in |
| 2 High | A major feature broken; the workaround is painful | Email an hour late |
| 3 Normal | A feature misbehaves; a workaround exists | Wrong report totals |
| 4 Low | Questions, cosmetic issues, feature requests | How to export macros |

The customer's own label does not set the severity. If a customer calls a Severity 3
"urgent", say politely which severity it is and what Severity 1 means.

## Who is pulled in

| Severity | Within | Escalate to | Channel |
|---|---|---|---|
| 1 | 15 minutes | On-call engineer and Support Lead | Page, then #sev-1-war-room |
| 2 | 2 hours | Engineering triage | Jira, project SUP |
| 3 | Next triage meeting | Engineering triage | Jira, project SUP |
| 4 | — | Not escalated | Product board |

For Severity 1 the Support Lead also tells the account's AE or CSM within one hour,
so nobody hears about it from the customer first.

## Customer updates

- Severity 1: an update every hour until resolved, even if nothing has changed.
- Severity 2: an update every business day.
- Severity 3 and 4: when something changes.

Updates say what we know, what we are doing and when the next update will come.
They never give a fix date that engineering has not confirmed.

## When a customer escalates

If a customer asks for a manager, the Support Lead takes the case within one
business day. If the customer makes a commercial claim (credits, contract, price),
follow [HND-0003](/docs/HND-0003/).
"""

ESCALATION = {
    "category": "POL",
    "title": "Escalation policy and severity levels",
    "audience": "support",
    "owner": "support-lead",
    "body": _ESCALATION,
    "revisions": (
        (
            "Fixed a typo in the escalation table: the Slack channel is "
            "#sev1-war-room, not #sev-1-war-room.",
            "minor",
            (("#sev-1-war-room", "#sev1-war-room"),),
        ),
        (
            'Made Severity 1 measurable: "many users" now means a quarter or more of '
            "the customer's agents, or any data loss or security incident, because "
            "agents disagreed on what counted. Severity 1 pages now go through "
            "PagerDuty.",
            "major",
            (
                (
                    "| Unusable for many users; no workaround |",
                    "| 25%+ of agents blocked, data loss or a security incident |",
                ),
                ("| Page, then #sev1-war-room |", "| PagerDuty, then #sev1-war-room |"),
            ),
        ),
    ),
}

_RESPONSE_TIMES = """\
# Support response times

These are the first-response targets we commit to in contracts. A first response is
a reply from a person, not the automatic acknowledgement. Severity levels are
defined in [POL-0003](/docs/POL-0003/).

## First response targets

Hours are business hours in the customer's support region (08:00–18:00, Monday to
Friday) unless marked 24/7. Days are business days.

| Severity | Starter | Team | Business | Enterprise |
|---|---|---|---|---|
| 1 Critical | 1 day | 8 hours | 4 hours | 2 hours, 24/7 |
| 2 High | 2 days | 1 day | 8 hours | 4 hours |
| 3 Normal | 2 days | 1 day | 1 day | 8 hours |
| 4 Low | 3 days | 2 days | 2 days | 1 day |

Premium Support ([PRC-0004](/docs/PRC-0004/)) replaces the Severity 1 and 2 targets
with 1 hour and 4 hours, 24/7, on Business and Enterprise.

## Support regions

| Region | Hours (local) | Languages |
|---|---|---|
| Americas | 08:00–18:00 US Central | English, Spanish |
| EMEA | 08:00–18:00 CET | English, German, French |
| APAC | 08:00–18:00 AEST | English |

The region is set from the billing address at signature (see
[HND-0001](/docs/HND-0001/)); a customer may ask to change it once a year.

## What we commit to, and what we do not

- We commit to **response** times. We do not commit to resolution times, in any
  plan or contract.
- Targets are measured per case from the moment it is opened through the helpdesk,
  email or phone. Chat conversations count once they become a case.
- Missed targets are reported monthly to the Head of Customer Operations. Business
  and Enterprise customers may ask for a goodwill credit under
  [POL-0002](/docs/POL-0002/) if we miss more than 10% of targets in a month.

## Reporting

The SLA dashboard in Northdesk Insights shows attainment per plan and region. The
Support Lead reviews it every Monday with the shift leads.
"""

RESPONSE_TIMES = {
    "category": "POL",
    "title": "Support response times",
    "audience": "both",
    "owner": "support-lead",
    "body": _RESPONSE_TIMES,
    "revisions": (
        (
            "Cut the Business plan's Severity 1 first response from 4 hours to 2 "
            "hours, now that the EMEA evening shift is staffed.",
            "major",
            (
                (
                    "| 1 Critical | 1 day | 8 hours | 4 hours |",
                    "| 1 Critical | 1 day | 8 hours | 2 hours |",
                ),
            ),
        ),
        (
            "Added Portuguese to the Americas region, now that the São Paulo team "
            "has started.",
            "major",
            (("| English, Spanish |", "| English, Spanish, Portuguese |"),),
        ),
        (
            'Spelled "acknowledgment" the way the glossary does (was '
            '"acknowledgement").',
            "minor",
            (("automatic acknowledgement.", "automatic acknowledgment."),),
        ),
    ),
}

_RETENTION = """\
# Data retention and deletion

What we keep, for how long, and what happens when a customer asks us to delete
data. Security and legal questions beyond this page go to
security@northdesk.example. The GDPR wording we give customers is in
[FAQ-0001](/docs/FAQ-0001/).

## While the subscription is active

| Data | Kept for | Who can delete it |
|---|---|---|
| Tickets, messages, attachments | Until the customer deletes them | Admins |
| Insights history | 24 months, more with the storage add-on | Rolls off |
| Audit log | 12 months; 7 years on Enterprise | Nobody |
| Backups | 35 days, rolling | Nobody |

On Business and Enterprise, admins can delete closed tickets automatically after
30 days to 7 years under **Settings → Data retention**.

## When a subscription ends

1. The workspace stays read-only for **30 days** so the customer can export their
   data ([FAQ-0003](/docs/FAQ-0003/)).
2. On day 31 the workspace and all its data are deleted.
3. Backups containing it expire within a further **90 days**.
4. The workspace admin gets a deletion certificate by email when step 2 is done.

Support cannot restore a workspace after step 2. Say so clearly when a customer
cancels; never say "we can always bring it back".

## Deletion requests

- **A whole workspace, before the contract ends**: must come from a workspace admin
  in writing. The Support Lead approves; engineering deletes it within 10 business
  days.
- **One person's data (GDPR erasure)**: the customer is the controller, so their
  admin deletes the person under **People → Delete and redact**. We help them do it;
  we do not decide whether to do it.
- **Requests from an end user directly**: we do not act on them. Reply with the
  standard answer in [FAQ-0001](/docs/FAQ-0001/) and point them to the customer.

## Legal holds

If Legal places a hold on a workspace, deletion is paused and the Support Lead is
told. Never mention a legal hold to the customer unless Legal says so.
"""

RETENTION = {
    "category": "POL",
    "title": "Data retention and deletion",
    "audience": "both",
    "owner": "support-lead",
    "body": _RETENTION,
    "revisions": (
        (
            "Backups of a deleted workspace now expire within 35 days, not 90, "
            "matching our rolling backup retention; a customer's DPO pointed out "
            "that the two figures contradicted each other.",
            "major",
            (
                (
                    "expire within a further **90 days**.",
                    "expire within a further **35 days**.",
                ),
            ),
        ),
    ),
}

_TRIALS = """\
# Trials and trial extensions

Every new workspace starts with a **14-day free trial** of the Business plan, with
up to 10 agent seats. No card is needed. At the end of the trial the workspace
becomes read-only until a plan is chosen; nothing is deleted for 30 days.

## Who may extend a trial

| Extension | Who approves | Condition |
|---|---|---|
| Up to 7 more days | Account Executive | A named contact and an open opportunity |
| Up to 14 more days | Sales Manager | A written evaluation plan |
| Beyond 28 days in total | Head of Sales | Enterprise opportunity over $25,000 |

Extend the trial in the admin console under **Workspace → Trial**, and record the
reason and the new end date on the Salesforce opportunity.

## What a good extension looks like

- The customer has a concrete reason: a security review, a procurement step, a
  pilot team that started late.
- There is a date by which they decide, and a next meeting in the calendar.
- We know who signs.

"They need more time" is not a reason. Ask what they still need to see, and offer a
call with a solutions engineer instead of more days.

## Support's part

Support agents do **not** extend trials. If a trial customer asks support for more
time, reply with the template below and assign the ticket to the account's AE, or
to the **sales-inbound** queue if there is none.

> Thanks for trying Nortdesk. Trial extensions are handled by our sales team; I've
> passed your request to them and they will be in touch within one business day.

## Trials for existing customers

Existing customers who want to try a higher plan get a 14-day **plan trial** on
their live workspace, approved by the AE. At the end the workspace goes back to the
paid plan; data created with the higher plan's features stays, read-only.
"""

TRIALS = {
    "category": "POL",
    "title": "Trials and trial extensions",
    "audience": "both",
    "owner": "sales-lead",
    "body": _TRIALS,
    "revisions": (
        (
            "Capped extensions at 14 extra days in total (was 28) and made any second "
            "extension need the Sales Manager, because long trials converted no "
            "better than short ones.",
            "major",
            (
                (
                    "| Up to 14 more days | Sales Manager |",
                    "| A second extension, or 8–14 days | Sales Manager |",
                ),
                (
                    "| Beyond 28 days in total | Head of Sales |",
                    "| Beyond 14 extra days in total | Head of Sales |",
                ),
            ),
        ),
        (
            'Fixed a typo in the support reply template: "Nortdesk" now reads '
            '"Northdesk".',
            "minor",
            (("Thanks for trying Nortdesk.", "Thanks for trying Northdesk."),),
        ),
    ),
}

_CANCELLATION = """\
# Cancellation and downgrade

How customers cancel or move to a lower plan, and what each team does. Refunds are
covered in [POL-0001](/docs/POL-0001/), billing terms in [PRC-0003](/docs/PRC-0003/).

## Cancelling

| Billing | How | Takes effect |
|---|---|---|
| Monthly | Admin clicks **Cancel subscription** in Billing | End of the month |
| Annual | Written notice from an admin, 30+ days before renewal | End of the term |
| Enterprise | As the order form says (usually 60 days' notice) | End of the term |

After cancellation the workspace is read-only for 30 days, then deleted (see
[POL-0005](/docs/POL-0005/)).

## Downgrading

- **To a lower plan**: monthly plans from the next bill; annual plans at renewal.
- **Fewer seats**: monthly plans from the next bill; annual plans at renewal.
- The higher plan's features stop at the change. Check what the customer will lose
  before confirming: single sign-on, custom dashboards, automations over 100, the
  sandbox.

## What support does

1. Confirm the request comes from a workspace admin.
2. Ask once why they are leaving and record it in the **Churn reason** field. Do
   not argue.
3. If the reason is price or a missing feature, add the **save-attempt** tag. The
   AE gets the ticket for 2 business days before the cancellation is processed.
4. Otherwise, process it and send the confirmation template.

## What sales does

The AE contacts a save-attempt account within 2 business days and may offer a
downgrade, monthly billing from renewal, or a discount within
[PRC-0002](/docs/PRC-0002/). If the customer still wants to cancel, the AE says so
in the ticket and support processes it the same day.

Never delay a cancellation the customer has confirmed twice.
"""

CANCELLATION = {
    "category": "POL",
    "title": "Cancellation and downgrade",
    "audience": "both",
    "owner": "support-lead",
    "body": _CANCELLATION,
    "revisions": (
        (
            "Monthly cancellations are no longer held for 2 business days for a save "
            "attempt, because the hold charged some customers for another month; "
            "support processes them at once and the AE follows up afterwards.",
            "major",
            (
                (
                    "add the **save-attempt** tag. The\n"
                    "   AE gets the ticket for 2 business days before the cancellation"
                    " is processed.",
                    "add the **save-attempt** tag.\n"
                    "   Annual plans: the AE gets the ticket for 2 business days "
                    "before the\n"
                    "   cancellation is processed. Monthly plans: process it now; the"
                    " AE\n"
                    "   follows up afterwards.",
                ),
            ),
        ),
    ),
}


# --- Product -------------------------------------------------------------------

_RATE_LIMITS = """\
# API rate limits

The REST API limits how many requests a workspace may make. Limits are per
workspace, not per API key, so all of a customer's integrations share one budget.

## Limits by plan

| Plan | Requests per minute | Burst | Bulk export jobs at once |
|---|---|---|---|
| Starter | 60 | 10 | 1 |
| Team | 200 | 50 | 1 |
| Business | 600 | 100 | 3 |
| Enterprise | 2,000 | 400 | 5 |

A request over the limit gets **HTTP 429** with a `Retry-After` header in seconds.
Well-behaved clients wait that long and retry; our own integrations do.

## What does not count

- Webhooks we send to the customer.
- Requests from the Northdesk web and mobile apps.
- The `/api/v2/health` endpoint.

## Raising a limit

Enterprise customers may buy a higher limit, up to 10,000 requests per minute, in
their contract; the AE asks the Deal Desk for a quote. On other plans the limit
cannot be raised. Never raise a limit "temporarily" for a migration: point the
customer to the bulk import API, which this table does not limit.

## Diagnosing 429s

1. Ask for the time (with time zone) and the endpoint.
2. In the admin console, open **Workspace → API usage**: it shows requests per
   minute for each key over the last 7 days.
3. If one key uses most of the budget, it is usually an integration that polls.
   Point the customer to webhooks: <https://dev.northdesk.example/webhooks>.
4. If usage is under the limit and they still get 429s, it is a Severity 2 bug
   ([POL-0003](/docs/POL-0003/)).

## Standard wording

"Your workspace is on the Team plan, which allows 200 API requests per minute,
shared by all your integrations. In the last hour they made up to 340 requests per
minute, so some requests were asked to retry."
"""

RATE_LIMITS = {
    "category": "PRD",
    "title": "API rate limits",
    "audience": "both",
    "owner": "support-lead",
    "body": _RATE_LIMITS,
    "revisions": (
        (
            "Raised the Business plan limit from 600 to 1,000 requests per minute "
            "and its burst from 100 to 200, following the API gateway upgrade on "
            "10 November.",
            "major",
            (("| Business | 600 | 100 | 3 |", "| Business | 1,000 | 200 | 3 |"),),
        ),
        (
            "Fixed the webhooks link, which still pointed to the old developer site.",
            "minor",
            (
                (
                    "https://dev.northdesk.example/webhooks",
                    "https://developers.northdesk.example/webhooks",
                ),
            ),
        ),
    ),
}

_SEATS = """\
# Seats and seat types

We charge per **agent seat**. This page defines who needs a seat, so that sales
quotes and support answers count the same people. Prices are in
[PRC-0001](/docs/PRC-0001/).

## Seat types

| Type | Can do | Price |
|---|---|---|
| Agent | Reply to customers, work tickets, use Insights | A seat, by plan |
| Light agent | View tickets, add internal comments | Free, up to 5 per agent seat |
| Admin | Everything an agent can, plus settings | A seat, by plan |
| End user | The customer's customers, who write in | Free, unlimited |

## Seat limits by plan

| Plan | Minimum | Maximum |
|---|---|---|
| Starter | 1 | 5 |
| Team | 3 | 50 |
| Business | 10 | 500 |
| Enterprise | 50 | No limit |

A workspace that needs more seats than its plan allows moves up a plan; we do not
sell exceptions. The admin console refuses a seat beyond the maximum and shows the
admin an upgrade prompt.

## Counting rules

- A seat belongs to a named person. Shared logins are against the terms of service,
  and support must say so when they see one.
- A seat can be given to another person at any time, at no cost.
- Deactivating an agent frees the seat at once; their tickets and history stay.
- Bots and API keys do not need a seat.

## When a customer hits the limit

Support tells the admin what their plan allows and, if they want more, raises a
**seat-limit** signal for the AE as described in [HND-0002](/docs/HND-0002/). Do not
quote the price of the next plan yourself: the AE may know something, such as a
renewal or a discount, that changes it.
"""

SEATS = {
    "category": "PRD",
    "title": "Seats and seat types",
    "audience": "both",
    "owner": "sales-lead",
    "body": _SEATS,
    "revisions": (),
}

_SSO = """\
# Single sign-on and user provisioning

**SAML single sign-on (SSO) is available on Business and Enterprise only.** It is
the most common reason a Team customer upgrades, so say it plainly and early: a Team
prospect must not find out after signing.

## What we support

| Capability | Starter | Team | Business | Enterprise |
|---|---|---|---|---|
| Email and password, with 2FA | Yes | Yes | Yes | Yes |
| Google and Microsoft sign-in | Yes | Yes | Yes | Yes |
| SAML 2.0 SSO | — | — | Yes | Yes |
| Enforce SSO for all agents | — | — | Yes | Yes |
| SCIM user provisioning | — | — | — | Yes |
| Several identity providers | — | — | — | Yes |

Tested identity providers: Okta, Microsoft Entra ID, Google Workspace, OneLogin and
JumpCloud. Other SAML 2.0 providers usually work, but we never promise it in
writing.

## What to say

- "Sign in with Google or Microsoft" is **not** SSO in the contract sense. When a
  security questionnaire asks about SSO it means SAML; answer for the plan they are
  buying ([FAQ-0006](/docs/FAQ-0006/)).
- SCIM is Enterprise only. Business customers can provision users with the API or
  a CSV import.
- We do not offer SSO for end users (the customer's customers) on any plan.

## Setting it up

The customer's admin configures SAML under **Settings → Security → Single sign-on**.
The setup guide is at <https://help.northdesk.example/sso>. Support helps with the
configuration; we never sign in to the customer's identity provider.

Before the customer enforces SSO, make sure at least one admin can still sign in
with a password, as a break-glass account.

## Downgrades

If a Business customer downgrades to Team, SSO is switched off at the change and
agents must reset their passwords. Warn the admin two weeks before (see
[POL-0007](/docs/POL-0007/)).
"""

SSO = {
    "category": "PRD",
    "title": "Single sign-on and user provisioning",
    "audience": "both",
    "owner": "sales-lead",
    "body": _SSO,
    "revisions": (
        (
            "SCIM provisioning is now included on Business as well as Enterprise, "
            "from release 4.12, so Business customers no longer need the CSV "
            "workaround.",
            "major",
            (
                (
                    "| SCIM user provisioning | — | — | — | Yes |",
                    "| SCIM user provisioning | — | — | Yes | Yes |",
                ),
                (
                    "- SCIM is Enterprise only. Business customers can provision users"
                    " with the API or\n  a CSV import.",
                    "- SCIM works with Okta and Entra ID on Business and Enterprise. "
                    "Team customers\n  can provision users with the API or a CSV "
                    "import.",
                ),
            ),
        ),
    ),
}

_LIMITATIONS = """\
# Known product limitations

What Northdesk does not do, or does only up to a limit. When a customer asks, give
the limit honestly and the workaround if there is one. Never say a limitation "is on
the roadmap" (see [FAQ-0005](/docs/FAQ-0005/)).

## Limits

| Area | Limit | Workaround |
|---|---|---|
| Attachment size | 20 MB per file | Link to cloud storage |
| Custom ticket fields | 200 per workspace | Tags for rarely used values |
| Automations | By plan, see [PRC-0001](/docs/PRC-0001/) | Combine conditions |
| Knowledge base languages | 40 | None |
| Ticket search results | First 10,000 matches | Narrow the search, or export |
| Insights history | 24 months | Storage add-on |
| API requests | By plan, see [PRD-0001](/docs/PRD-0001/) | Webhooks, bulk API |

## Not available on any plan

- **On-premises or private-cloud installation.** Northdesk is SaaS only.
- **Data residency outside the US and the EU.** Workspaces are hosted in the US
  (Virginia) or the EU (Frankfurt), chosen at creation; moving later needs a
  migration project by Professional Services.
- **Telephony.** We integrate with Aircall and Twilio; we are not a phone provider.
- **Offline mode** in the mobile apps.
- **Custom code in the agent workspace.** Apps run in a sandboxed sidebar only.

## How to talk about limits

- State the limit as a fact and give the workaround. Do not apologise for it or call
  it a bug.
- If a limit blocks a deal or a renewal, the AE logs it as a product gap in
  Salesforce and support logs it on the product board with the customer's name.
  Product reads both every month.
- If a customer says a competitor has it, do not argue: note it in the gap log.
"""

LIMITATIONS = {
    "category": "PRD",
    "title": "Known product limitations",
    "audience": "both",
    "owner": "support-lead",
    "body": _LIMITATIONS,
    "revisions": (
        (
            "Raised the attachment limit from 20 MB to 25 MB per file, released in "
            "4.11.",
            "major",
            (("| 20 MB per file |", "| 25 MB per file |"),),
        ),
        (
            "New Enterprise workspaces can now be hosted in Australia (Sydney); the "
            "US and the EU remain the only regions on other plans.",
            "major",
            (
                (
                    "- **Data residency outside the US and the EU.** Workspaces are "
                    "hosted in the US\n"
                    "  (Virginia) or the EU (Frankfurt), chosen at creation; moving "
                    "later needs a\n"
                    "  migration project by Professional Services.",
                    "- **Data residency outside the US, the EU and Australia.** "
                    "Workspaces are hosted\n"
                    "  in the US (Virginia) or the EU (Frankfurt), chosen at creation;"
                    " new Enterprise\n"
                    "  workspaces may also be hosted in Australia (Sydney). Moving "
                    "later needs a\n"
                    "  migration project by Professional Services.",
                ),
            ),
        ),
    ),
}


# --- Hand-offs -----------------------------------------------------------------

_SALES_TO_SUPPORT = """\
# Hand-off from sales to support at signature

When a customer signs, the Account Executive (AE) hands the account to support.
Support must never learn about a new customer from the customer's first ticket. This
page lists what the AE passes over, by when, and what support does with it.

## Deadline

The AE completes the hand-off within **2 business days** of the order form being
countersigned, or before the customer's first admin signs in if that is sooner.

## What the AE passes over

Fill in the **Hand-off** section of the Salesforce opportunity; it syncs to the
account in the helpdesk. Every field is required.

| Field | Why support needs it |
|---|---|
| Plan, seats and term | To answer billing and seat questions correctly |
| Add-ons sold | Routing and response targets ([PRC-0004](/docs/PRC-0004/)) |
| Region and language | Which team takes the cases ([POL-0004](/docs/POL-0004/)) |
| Anything promised beyond this knowledge base | So support never contradicts it |
| Go-live date and migration plan | To staff the first two weeks |
| Known risks | To handle early cases with care |

"Anything promised" means every commitment made in an email or a call that is not in
a document here: a feature demo'd as coming, a custom report, a renewal discount. If
it is not written down, support cannot know it and cannot honour it.

## What support does

1. The Support Lead assigns an onboarding agent within 1 business day.
2. The agent tags the account (**premium**, **enterprise**, region) so routing and
   targets apply.
3. The agent sends the welcome email with the help centre and status page links.
4. For Enterprise accounts, the AE, the CSM and the onboarding agent hold a
   30-minute kick-off call with the customer.

## If the hand-off is incomplete

Support sends the Salesforce task back to the AE, listing the missing fields. After
5 business days the Support Lead raises it with the Head of Sales. Incomplete
hand-offs are reviewed at the monthly sales and support meeting.
"""

SALES_TO_SUPPORT = {
    "category": "HND",
    "title": "Hand-off from sales to support at signature",
    "audience": "both",
    "owner": "sales-lead",
    "body": _SALES_TO_SUPPORT,
    "revisions": (
        (
            "Added a required field for the customer's named admin contact and a "
            "backup, because support could not check who may ask for changes on new "
            "accounts.",
            "major",
            (
                (
                    "| Plan, seats and term | To answer billing and seat questions "
                    "correctly |\n",
                    "| Plan, seats and term | To answer billing and seat questions "
                    "correctly |\n"
                    "| Named admin contact and a backup | To know who may ask for "
                    "account changes |\n",
                ),
            ),
        ),
        (
            "Shortened the hand-off deadline from 2 business days to 1, after three "
            "new Enterprise customers opened tickets before support knew they had "
            "signed.",
            "major",
            (("within **2 business days** of", "within **1 business day** of"),),
        ),
        (
            'Fixed a typo: "demo\'d" now reads "demonstrated".',
            "minor",
            (("a feature demo'd as coming", "a feature demonstrated as coming"),),
        ),
    ),
}

_SUPPORT_TO_SALES = """\
# Hand-off from support to sales: upsell and renewal signals

Support talks to customers far more often than sales does, and hears first when an
account is growing, struggling or shopping around. This page says which signals
support passes to the account's AE, and how, so that nothing is lost and nobody
pitches inside a support ticket.

## Signals to pass on

| Signal | Tag | Usually means |
|---|---|---|
| Asks about SSO, SCIM or the audit log | **upsell-security** | A plan upgrade |
| Hits the seat limit of the plan | **seat-limit** | More seats or a plan |
| Asks for a quote or a discount | **sales-question** | Support never quotes |
| Names a competitor | **competitor** | Renewal risk |
| Admin or champion has left | **champion-changed** | Renewal risk |
| Asks how to export all data | **export-request** | Possible churn |
| Several Severity 1 or 2 cases in a month | **at-risk** | Renewal risk |

Seat limits are explained in [PRD-0002](/docs/PRD-0002/) and exports in
[FAQ-0003](/docs/FAQ-0003/).

## How to pass it on

1. Answer the support question fully first. A signal never delays the answer.
2. Add the tag. A tagged ticket creates a task for the AE in Salesforce.
3. Add an internal note of one or two sentences: what the customer said, in their
   words.
4. Never promise that sales will call, and never quote prices, discounts or renewal
   terms. Say: "I've passed this to your account manager."

## What sales does with it

- The AE acknowledges the task within 2 business days.
- The AE tells the agent in the ticket whether the signal led to a conversation, so
  support learns which signals matter.
- Renewal-risk tags on accounts renewing within 90 days also go to the Sales
  Manager.

## Every month

The Support Lead and the Head of Sales review the signals report in Northdesk
Insights: signals raised, acknowledged in time, and turned into revenue.
"""

SUPPORT_TO_SALES = {
    "category": "HND",
    "title": "Hand-off from support to sales: upsell and renewal signals",
    "audience": "both",
    "owner": "support-lead",
    "body": _SUPPORT_TO_SALES,
    "revisions": (
        (
            "Renewal-risk tags now reach the Sales Manager for accounts renewing "
            "within 120 days (was 90), to leave time for a save plan before the "
            "notice period starts.",
            "major",
            (("renewing within 90 days", "renewing within 120 days"),),
        ),
        (
            "Fixed the tag name in the signals table: it is **champion-change**, the "
            "tag that exists in the helpdesk, not **champion-changed**.",
            "minor",
            (("**champion-changed**", "**champion-change**"),),
        ),
    ),
}

_COMMERCIAL_ESCALATIONS = """\
# Escalations that involve money or the contract

Some escalations start as a support case and turn into a commercial claim: "after
this outage we want a credit", "we will not renew unless...", "your AE promised us
this". Support and sales then both talk to the customer, and the customer must hear
one story. This page says who leads.

## Who leads

| The customer asks for | Who leads | Who helps |
|---|---|---|
| A credit for an outage or missed target | Support Lead | AE is told |
| A refund outside [POL-0001](/docs/POL-0001/) | Head of Customer Operations | AE |
| A discount, free months or a new price | AE | Support Lead |
| To leave the contract early | Head of Sales | Support Lead, Legal |
| Something "the AE promised" | AE | Support Lead |

## The rules

1. **One voice.** Once a lead is named, only the lead makes commitments to the
   customer. Everyone else says: "NAME is coordinating this and will come back to
   you by DATE."
2. **Technical facts from support, commercial answers from sales.** The support
   agent keeps working the technical case; the lead never promises fixes.
3. **Write it down.** The lead records the outcome in the ticket and in Salesforce
   the same day, in the words used with the customer.
4. **Use the standard documents.** Credits follow [POL-0002](/docs/POL-0002/) and
   discounts follow [PRC-0002](/docs/PRC-0002/). Anything outside them needs the
   approval those pages name.

## Starting the escalation

The support agent adds the **commercial-escalation** tag and posts the ticket link
in **#cs-escalations** with one line: account, annual value, what the customer asked
for. The Support Lead names the lead within 4 business hours.

## Closing it

The lead tells everyone involved when the customer has accepted the outcome, and
the Support Lead closes the escalation. An account that escalates twice in a quarter
joins the at-risk list reviewed under [HND-0002](/docs/HND-0002/).
"""

COMMERCIAL_ESCALATIONS = {
    "category": "HND",
    "title": "Escalations that involve money or the contract",
    "audience": "both",
    "owner": "support-lead",
    "body": _COMMERCIAL_ESCALATIONS,
    "revisions": (),
}


# --- Standard answers ----------------------------------------------------------

_GDPR = """\
# Standard answer: GDPR and data processing

Use this wording when a customer or prospect asks whether Northdesk complies with
the GDPR. Copy it; do not paraphrase it. Detailed security questions are answered
in [FAQ-0006](/docs/FAQ-0006/).

## Short answer

> Yes. Northdesk acts as a data processor for the personal data you store in your
> workspace, and you remain the controller. Our Data Processing Agreement (DPA) is
> part of our terms and includes the EU Standard Contractual Clauses. You can read
> it at <https://northdesk.example/legal/dpa>.

## If they ask for more

- **Where is the data?** In the region chosen when the workspace was created: the
  US (Virginia) or the EU (Frankfurt). See [PRD-0004](/docs/PRD-0004/).
- **Who are your sub-processors?** The current list, with what each one does and
  where, is at <https://northdesk.example/legal/subprocessors>. Customers can
  subscribe there to 30 days' notice of changes.
- **Can we use our own DPA?** Enterprise customers may send theirs to Legal through
  the AE; Legal reviews it within 10 business days. On other plans, ours applies.
- **Do you have a Data Protection Officer?** Yes: dpo@northdesk.example.
- **How do we delete one person's data?** An admin does it under **People → Delete
  and redact**; see [POL-0005](/docs/POL-0005/).

## End users writing to us directly

Sometimes a customer's own customer asks us to delete or export their data. We are
not the controller, so we do not act on it. Reply:

> Thank you for your request. Northdesk provides the helpdesk software used by the
> company you contacted, and processes your data on their behalf. Please send your
> request to them directly; they can export or delete your data.

Then close the ticket, and tell the customer's admin about the request if their
contract says so (Enterprise DPAs usually do).

## Do not say

- "We are GDPR certified." No such certification exists.
- "Your data never leaves the EU." Some sub-processors provide support from outside
  the EU under the Standard Contractual Clauses.
"""

GDPR = {
    "category": "FAQ",
    "title": "Standard answer: GDPR and data processing",
    "audience": "both",
    "owner": "support-lead",
    "body": _GDPR,
    "revisions": (
        (
            "Added Australia (Sydney) to the data location answer for Enterprise "
            "workspaces, following PRD-0004 v3.",
            "major",
            (
                (
                    "US (Virginia) or the EU (Frankfurt). See "
                    "[PRD-0004](/docs/PRD-0004/).",
                    "US (Virginia), the EU (Frankfurt) or, for Enterprise, Australia "
                    "(Sydney). See\n  [PRD-0004](/docs/PRD-0004/).",
                ),
            ),
        ),
    ),
}

_UPTIME = """\
# Standard answer: uptime and the status page

For "what is your uptime?", "do you have an SLA?" and "where do I see outages?".

## Short answer

> Northdesk commits to 99.9% monthly uptime on the Business and Enterprise plans,
> with service credits if we miss it. Our uptime over the last 12 months was
> 99.97%. Live status and the incident history are at
> <https://status.northdesk.example>, where you can subscribe to updates by email or
> Slack.

## The numbers

| Plan | Uptime commitment | Credits if missed |
|---|---|---|
| Starter | None (best effort) | No |
| Team | None (best effort) | No |
| Business | 99.9% monthly | Yes, see [POL-0002](/docs/POL-0002/) |
| Enterprise | 99.9% monthly, or as contracted | Yes |

Scheduled maintenance is announced 5 days ahead on the status page, happens on
Sundays between 02:00 and 04:00 UTC, and does not count as downtime. We have used
fewer than two maintenance windows a year since 2024.

## If they ask for more

- **How is uptime measured?** From outside, every minute, from three regions. A
  minute counts as down when two of them fail to load the agent workspace or the
  API.
- **Can we get a higher SLA?** Not above 99.9%. Enterprise contracts may add
  response-time commitments ([POL-0004](/docs/POL-0004/)), not a higher uptime.
- **Do you publish incident reports?** Yes, for every Severity 1 incident, on the
  status page within 5 business days.

## Do not say

- "We never go down" or "100% uptime".
- Any figure other than the one on this page. The 12-month figure is updated here
  every quarter; if it looks out of date, ask the owner instead of working it out
  yourself.
"""

UPTIME = {
    "category": "FAQ",
    "title": "Standard answer: uptime and the status page",
    "audience": "both",
    "owner": "support-lead",
    "body": _UPTIME,
    "revisions": (
        (
            "Updated the 12-month uptime from 99.97% to 99.95% after the 14 October "
            "outage; the 99.9% commitment is unchanged.",
            "major",
            (("> 99.97%.", "> 99.95%."),),
        ),
    ),
}

_EXPORT = """\
# Standard answer: exporting your data

For "can we get our data out?", asked by prospects worried about lock-in and by
customers who are leaving. The answer is the same for both: yes, in open formats,
at no charge.

## Short answer

> Yes. Workspace admins can export all tickets, users, organisations and knowledge
> base articles at any time from **Settings → Data → Export**, as JSON or CSV, at
> no charge. Large exports are prepared in the background and you get an email with
> a download link, valid for 7 days. Attachments come as a separate ZIP file.

## Details

| Data | Format | Plans |
|---|---|---|
| Tickets and messages | JSON, CSV | All |
| Users and organisations | JSON, CSV | All |
| Knowledge base articles | HTML, Markdown | All |
| Attachments | ZIP | All |
| Insights reports | CSV | Team and above |
| Audit log | JSON | Business and Enterprise |
| Incremental export through the API | JSON | Business and Enterprise |

An export contains everything the workspace holds on the day; deleted tickets are
not included. A full export of a large workspace (over 1 million tickets) can take
up to 24 hours.

## After cancellation

Exports remain available for 30 days after a subscription ends, while the workspace
is read-only; then the data is deleted ([POL-0005](/docs/POL-0005/)). Tell a
leaving customer that date in writing.

## For support

- An export request from a customer who is not leaving may still be a churn
  signal: tag it **export-request** ([HND-0002](/docs/HND-0002/)).
- We do not run exports on the customer's behalf, and we never send data as an
  email attachment. An export that fails is a Severity 3 case.
- We do not convert data into a competitor's import format.
"""

EXPORT = {
    "category": "FAQ",
    "title": "Standard answer: exporting your data",
    "audience": "both",
    "owner": "support-lead",
    "body": _EXPORT,
    "revisions": (),
}

_INTEGRATIONS = """\
# Standard answer: integrations

For "do you integrate with X?". Check the table first; if X is not listed, the
answer is the one under "Not listed".

## Supported integrations

Built and supported by us, and covered by support on every plan.

| Category | Integrations | Plans |
|---|---|---|
| CRM | Salesforce, HubSpot | Team and above |
| Chat and messaging | Slack, Microsoft Teams, WhatsApp Business | All |
| Phone | Aircall, Twilio | Team and above |
| E-commerce | Shopify | All |
| Engineering | Jira, GitHub | Team and above |
| Identity | Okta, Entra ID, Google Workspace | See [PRD-0003](/docs/PRD-0003/) |

The full list, with setup guides, is at <https://northdesk.example/integrations>.

## Marketplace apps

Apps built by partners appear in the in-product marketplace. We check them before
listing, but the partner supports them. Say: "That app is built and supported by
PARTNER; we can help you install it, and they help with how it works."

## Not listed

> We don't have a built-in integration with X today. Many customers connect tools
> like this through our REST API or through Zapier, which works on every plan.
> I've recorded your interest so that our product team sees it.

Then log the request on the product board with the customer's name. Never say an
integration is "coming" or give a date (see [FAQ-0005](/docs/FAQ-0005/)).

## Custom integrations

Customers may build their own integrations with our
[REST API](https://developers.northdesk.example). Professional Services can build one
for Enterprise customers, quoted by the AE. Support answers questions about the API
but does not debug customer code.
"""

INTEGRATIONS = {
    "category": "FAQ",
    "title": "Standard answer: integrations",
    "audience": "both",
    "owner": "support-lead",
    "body": _INTEGRATIONS,
    "revisions": (
        (
            "Added the Zendesk, Intercom and Freshdesk importers, generally "
            "available on Business and above since release 4.12.",
            "major",
            (
                (
                    "| Engineering | Jira, GitHub | Team and above |\n",
                    "| Engineering | Jira, GitHub | Team and above |\n"
                    "| Migration | Zendesk, Intercom, Freshdesk importers "
                    "| Business and above |\n",
                ),
            ),
        ),
    ),
}

_ROADMAP = """\
# Standard answer: roadmap and feature requests

Customers and prospects ask "when will you have X?". Sales and support answer the
same way, because a date given by one team becomes a promise the other has to
break.

## The rule

**We do not commit to dates.** Not in emails, calls, order forms or tickets. That
includes "this quarter", "soon" and "by your renewal".

## Short answer

> Thanks for asking. We don't share dates for features before they are released,
> because plans change and we'd rather not promise something we might not keep.
> I've recorded your request, with your use case, so that our product team sees
> it. New features are announced at <https://northdesk.example/whats-new>.

## You may say

- "It's something we're looking at", but only if Product has said so in writing.
- "It's in beta; I can ask whether you can join."
- "It was released on DATE; here is the announcement."
- "We don't plan to build that", if Product has said so.

## Never say

- "It's on the roadmap."
- "It's coming next quarter", or any other time.
- "Engineering told me it's nearly done."
- "We'll build it if you sign."

## Logging the request

- Log it on the product board with the customer's name, plan, annual value and
  their own words, not your summary.
- Sales also adds it to the opportunity's **Product gaps** field if it affects the
  deal.
- Product reviews the board every month and replies to the requester there.

## Contract requests

If a prospect wants a feature written into the contract, the AE takes it to the
Head of Sales, who decides with the Head of Product. Committed features are rare,
go into the order form with a remedy if missed, and are listed in the hand-off
([HND-0001](/docs/HND-0001/)).
"""

ROADMAP = {
    "category": "FAQ",
    "title": "Standard answer: roadmap and feature requests",
    "audience": "both",
    "owner": "sales-lead",
    "body": _ROADMAP,
    "revisions": (
        (
            "Moved \"It's something we're looking at\" from the phrases you may say "
            "to the ones you never say: customers heard it as a commitment. Only "
            "released features and public betas may be mentioned.",
            "major",
            (
                (
                    "- \"It's something we're looking at\", but only if Product has "
                    "said so in writing.\n",
                    "",
                ),
                (
                    '- "It\'s on the roadmap."\n',
                    '- "It\'s on the roadmap."\n'
                    "- \"It's something we're looking at.\"\n",
                ),
            ),
        ),
        (
            "Fixed the announcements link: the page moved from /whats-new to "
            "/changelog.",
            "minor",
            (
                (
                    "https://northdesk.example/whats-new",
                    "https://northdesk.example/changelog",
                ),
            ),
        ),
    ),
}

_SECURITY = """\
# Security questionnaire: standard answers

Answers to the questions found in almost every security questionnaire. Copy them as
written. Anything not covered here goes to the security team through the **Security
review** request in Salesforce; they answer within 5 business days. Never guess the
answer to a security question.

## Certifications and reports

| Question | Answer |
|---|---|
| SOC 2 | SOC 2 Type II, renewed every year; report under NDA |
| ISO 27001 | Certified since 2023; certificate at <https://northdesk.example/trust> |
| Penetration testing | Yearly, by an external firm; summary letter under NDA |
| HIPAA | We do not sign BAAs; do not store health data |
| PCI DSS | Out of scope: the product does not process card data |

The AE shares the SOC 2 report and the pen test letter through the trust portal
once the prospect has accepted the NDA there. Never email them as attachments.

## Data protection

| Question | Answer |
|---|---|
| Encryption in transit | TLS 1.2 or higher |
| Encryption at rest | AES-256, keys managed in AWS KMS |
| Hosting | AWS, US (Virginia) or EU (Frankfurt) |
| Backups | Encrypted, kept 35 days, restore tested monthly |
| Customer-managed keys | Not available |

## Access and identity

| Question | Answer |
|---|---|
| SSO | SAML 2.0 on Business and Enterprise ([PRD-0003](/docs/PRD-0003/)) |
| MFA for customer users | All plans; admins can enforce it |
| Staff access to customer data | Only with the customer's consent; logged |
| Audit log | Business and Enterprise; 12 months, 7 years on Enterprise |

## Incident response

We notify affected customers of a personal data breach without undue delay, and in
any case within 72 hours of becoming aware of it, by email to workspace admins. The
incident response plan is rehearsed twice a year.

GDPR questions are answered in [FAQ-0001](/docs/FAQ-0001/).
"""

SECURITY = {
    "category": "FAQ",
    "title": "Security questionnaire: standard answers",
    "audience": "both",
    "owner": "sales-lead",
    "body": _SECURITY,
    "revisions": (
        (
            "Customer-managed encryption keys are now available on Enterprise, and "
            "Enterprise workspaces may be hosted in Australia (Sydney); both answers "
            "changed.",
            "major",
            (
                (
                    "| Customer-managed keys | Not available |",
                    "| Customer-managed keys | Enterprise, with AWS KMS |",
                ),
                (
                    "| Hosting | AWS, US (Virginia) or EU (Frankfurt) |",
                    "| Hosting | AWS: US (Virginia), EU (Frankfurt), Australia "
                    "(Sydney) |",
                ),
            ),
        ),
    ),
}


# Within a prefix, the order here is the order of the document IDs.
DOCUMENTS = (
    LIST_PRICES,  # PRC-0001
    DISCOUNTS,  # PRC-0002
    BILLING,  # PRC-0003
    PREMIUM_SUPPORT,  # PRC-0004
    PROGRAMME_PRICING,  # PRC-0005
    REFUNDS,  # POL-0001
    CREDITS,  # POL-0002
    ESCALATION,  # POL-0003
    RESPONSE_TIMES,  # POL-0004
    RETENTION,  # POL-0005
    TRIALS,  # POL-0006
    CANCELLATION,  # POL-0007
    RATE_LIMITS,  # PRD-0001
    SEATS,  # PRD-0002
    SSO,  # PRD-0003
    LIMITATIONS,  # PRD-0004
    SALES_TO_SUPPORT,  # HND-0001
    SUPPORT_TO_SALES,  # HND-0002
    COMMERCIAL_ESCALATIONS,  # HND-0003
    GDPR,  # FAQ-0001
    UPTIME,  # FAQ-0002
    EXPORT,  # FAQ-0003
    INTEGRATIONS,  # FAQ-0004
    ROADMAP,  # FAQ-0005
    SECURITY,  # FAQ-0006
)


# The words sales and support really confuse, and what to say instead. Several
# demo documents still use an avoided word ("account manager", "CSM", "churn"),
# so the lint and the publish-anyway step have something to show.
GLOSSARY = (
    {
        "term": "Premium Support",
        "definition": "The paid support add-on: 1-hour first response for "
        "Severity 1, a named support engineer, phone support.",
        "audience": "both",
        "avoid": ("Gold plan", "Gold support", "VIP support"),
    },
    {
        "term": "Customer Success Manager",
        "definition": "The person at Northdesk who owns a Business or Enterprise "
        "customer's adoption and renewal after the sale.",
        "audience": "both",
        "avoid": ("account manager", "CSM"),
    },
    {
        "term": "service credit",
        "definition": "Money off a future invoice, given when we miss an SLA. "
        "It is not paid out.",
        "audience": "both",
        "avoid": ("voucher", "refund credit"),
    },
    {
        "term": "refund",
        "definition": "Money paid back to the customer's card or account, under "
        "the refund policy only.",
        "audience": "both",
        "avoid": ("chargeback", "money back"),
    },
    {
        "term": "seat",
        "definition": "One named agent licence, billed per month or per year.",
        "audience": "both",
        "avoid": ("license", "licence", "user license"),
    },
    {
        "term": "agent",
        "definition": "A person at the customer who answers tickets in Northdesk; "
        "each agent takes one seat.",
        "audience": "both",
        "avoid": ("operator", "rep"),
    },
    {
        "term": "Severity 1",
        "definition": "Northdesk is down or unusable for most agents, with no "
        "workaround.",
        "audience": "support",
        "avoid": ("P1", "Priority 1", "critical ticket"),
    },
    {
        "term": "cancellation",
        "definition": "The customer ends the subscription at the end of the paid term.",
        "audience": "both",
        "avoid": ("churn", "termination"),
    },
    {
        "term": "downgrade",
        "definition": "A move to a smaller plan or fewer seats, effective at the "
        "next renewal.",
        "audience": "both",
        "avoid": ("plan reduction",),
    },
    {
        "term": "uptime commitment",
        "definition": "The monthly availability we commit to in the SLA (99.9%); "
        "missing it earns a service credit.",
        "audience": "both",
        "avoid": ("uptime guarantee", "guaranteed uptime"),
    },
    {
        "term": "Account Executive",
        "definition": "The salesperson who owns a deal until the contract is signed.",
        "audience": "sales",
        "avoid": ("sales rep", "salesman"),
    },
    {
        "term": "feature request",
        "definition": "A customer's suggestion, logged for product; we never "
        "promise a date for it.",
        "audience": "both",
        "avoid": ("wishlist item", "enhancement ticket"),
    },
    {
        "term": "data export",
        "definition": "A complete copy of a customer's tickets and settings, "
        "self-service from the admin console.",
        "audience": "both",
        "avoid": ("data dump",),
    },
)


# Questions from the demo readers: (document ID, asker, kind, text, quoted passage,
# the owner's answer or "" to leave it open, version the answer points to or None).
QUESTIONS = (
    (
        "PRC-0001",
        "sales",
        "question",
        "Can a Team customer on monthly billing keep $35 when they add seats mid-term?",
        "",
        "Yes: seats added before the renewal are billed at the price the "
        "customer already pays. The new price applies from the next renewal.",
        None,
    ),
    (
        "POL-0001",
        "support",
        "report",
        "The refund window for monthly plans is not stated for add-ons like "
        "Premium Support.",
        "",
        "",
        None,
    ),
    (
        "PRC-0002",
        "sales",
        "question",
        "Who approves a 25% discount on a two-year Business deal?",
        "",
        "",
        None,
    ),
    (
        "FAQ-0002",
        "support",
        "question",
        "Should we quote the 12-month uptime or the SLA figure when a customer "
        "asks after an outage?",
        "",
        "Quote the SLA commitment (99.9%) first, then the measured figure from "
        "the status page. Never promise more than the SLA.",
        None,
    ),
)
