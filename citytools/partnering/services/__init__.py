"""The only code that writes Invitation-to-Partner data. Keyword-only arguments, `actor=`
(the User acting) and `viewer=` (their Viewer, for the rules), atomic; DomainError on refusal.

- authoring: the challenge document, its criteria, owners, panel, questions, addenda, moves;
- proposals: drafting, attachments, submitting, withdrawing, receipts, eligibility screening;
- evaluation: conflict declarations, scores, consensus, ranking, selection;
- outcome: notifications, award notice, debriefs, co-design, surveys, purchases.
"""
