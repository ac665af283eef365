"""The admin dashboard's notice of invitations to quote, for a cooperative's staff.

The project has no notification inbox in the Wagtail admin (its notices are emails), so an
invitation shows where staff land when they sign in: a panel on the dashboard listing the
invitations of their cooperatives to RFQs still open, newest first. It costs no query for
anyone who staffs no cooperative, and one for those who do (marketplace.selectors.rfqs).
"""

from wagtail.admin.ui.components import Component

from marketplace.matching import quantity_text
from marketplace.selectors.rfqs import invitations_for_staff


class InvitationsToQuotePanel(Component):
    name = "marketplace_invitations_to_quote"
    template_name = "marketplace/admin/invitations_to_quote_panel.html"
    order = 50  # above Wagtail's own panels: it asks for an answer by a deadline

    def __init__(self, invitations):
        self.invitations = invitations

    def get_context_data(self, parent_context=None):
        rows = [
            {
                "invitation": invitation,
                "rfq": invitation.rfq,
                "quantity": quantity_text(
                    invitation.rfq.quantity, invitation.rfq.unit, invitation.rfq.per_month
                ),
            }
            for invitation in self.invitations
        ]
        several = len({invitation.cooperative_id for invitation in self.invitations}) > 1
        return {"rows": rows, "several_cooperatives": several}


def add_invitations_panel(request, panels) -> None:
    invitations = invitations_for_staff(request.user)
    if invitations:
        panels.append(InvitationsToQuotePanel(invitations))
