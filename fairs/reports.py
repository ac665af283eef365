"""The organisers' report on a fair: registrations, meetings and agreements, in figures.

The alliances report after each fair how many took part, how many meetings were held and
how many agreements were signed, for how much, by province. `fair_report()`
computes every figure with a fixed handful of aggregate queries, however large the fair;
the page, the CSV and the XLSX export all read the same `FairReport.tables()`, so the three
always agree.

Agreements by category group: an agreement whose products fall in several groups counts
once under each of its groups, and its value is split equally between them (the odd đồng
go to the first groups in catalogue order). So the values add up to the fair's total and
the counts may add up to more than the number of agreements. An agreement naming no
product is shown under "No product named".
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import Category

from .models import Agreement, FairPage, Meeting, MeetingRequest, Participant

# Height of one bar of a chart in pixels: a line for the label and value, then the bar.
BAR_ROW = 44
STATUSES = [choice for choice, _label in Participant.Status.choices]


@dataclass
class RegistrationRow:
    label: str
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class AgreementRow:
    label: str
    count: int = 0
    value_vnd: int = 0


@dataclass(frozen=True)
class MeetingFigures:
    requested: int
    accepted: int
    meetings: int
    scheduled: int
    held: int
    no_shows: int

    @property
    def no_show_rate(self) -> float | None:
        """No-shows among the meetings whose outcome is known; None before any is recorded."""
        known = self.held + self.no_shows
        return self.no_shows / known if known else None

    @property
    def no_show_percent(self) -> float | None:
        rate = self.no_show_rate
        return None if rate is None else round(rate * 100, 1)


@dataclass(frozen=True)
class Table:
    """One table of the report: what the page shows under a chart, and one sheet or CSV section."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart_column: int | None = 1
    money_columns: tuple[int, ...] = ()
    note: str = ""
    # A sheet's name: Excel allows 31 characters.
    short_title: str = ""
    # The last row is a total: in the tables, not drawn (its bar would dwarf the others).
    has_total: bool = False

    def bars(self) -> list[dict]:
        """The rows as horizontal bars: label, value and length as a percentage of the longest."""
        if self.chart_column is None:
            return []
        rows = self.rows[:-1] if self.has_total else self.rows
        values = [row[self.chart_column] or 0 for row in rows]
        longest = max(values, default=0)
        # Positions go to the SVG as plain strings: the template would localise numbers ("63,5").
        return [
            {
                "label": row[0],
                "value": value,
                "percent": f"{100 * value / longest:.2f}" if longest else "0",
                "money": self.chart_column in self.money_columns,
                "text_y": str(index * BAR_ROW + 15),
                "bar_y": str(index * BAR_ROW + 21),
            }
            for index, (row, value) in enumerate(zip(rows, values, strict=True))
        ]

    def chart_height(self) -> str:
        rows = len(self.rows) - (1 if self.has_total else 0)
        return str(max(rows, 0) * BAR_ROW)


@dataclass
class FairReport:
    fair: FairPage
    registrations_by_province: list[RegistrationRow]
    registrations_by_kind: list[RegistrationRow]
    meetings: MeetingFigures
    agreements_total: AgreementRow
    agreements_by_province: list[AgreementRow]
    agreements_by_category: list[AgreementRow]
    agreements_by_kind: list[AgreementRow]

    @property
    def registrations_total(self) -> RegistrationRow:
        total = RegistrationRow(label=_("All registrations"))
        for row in self.registrations_by_kind:
            for status, count in row.by_status.items():
                total.by_status[status] += count
        return total

    def tables(self) -> list[Table]:
        status_labels = [str(label) for _choice, label in Participant.Status.choices]
        registration_columns = [_("Total"), *status_labels]

        def registration_rows(rows):
            return [[row.label, row.total, *(row.by_status[s] for s in STATUSES)] for row in rows]

        def agreement_rows(rows):
            return [[row.label, row.count, row.value_vnd] for row in rows]

        m = self.meetings
        return [
            Table(
                key="registrations-province",
                title=_("Registrations by province"),
                short_title=_("Registrations, provinces"),
                columns=[_("Province"), *registration_columns],
                rows=registration_rows(self.registrations_by_province),
            ),
            Table(
                key="registrations-kind",
                title=_("Registrations by kind"),
                short_title=_("Registrations, kinds"),
                columns=[_("Kind"), *registration_columns],
                rows=registration_rows([*self.registrations_by_kind, self.registrations_total]),
                has_total=True,
            ),
            Table(
                key="meetings",
                title=_("Meetings"),
                columns=[_("Figure"), _("Number")],
                rows=[
                    [_("Meeting requests"), m.requested],
                    [_("Requests accepted"), m.accepted],
                    [_("Meetings (requested or arranged)"), m.meetings],
                    [_("Meetings scheduled"), m.scheduled],
                    [_("Meetings held"), m.held],
                    [_("No-shows"), m.no_shows],
                ],
                note=(
                    _("No-show rate: %(rate)s%% of the meetings with a recorded outcome.")
                    % {"rate": number_format(m.no_show_percent, 1)}
                    if m.no_show_percent is not None
                    else _("No-show rate: no outcome recorded yet.")
                ),
            ),
            Table(
                key="agreements-province",
                title=_("Agreements by province of the cooperative"),
                short_title=_("Agreements, provinces"),
                columns=[_("Province"), _("Agreements"), _("Value (đồng)")],
                rows=agreement_rows([*self.agreements_by_province, self.agreements_total]),
                chart_column=2,
                money_columns=(2,),
                has_total=True,
            ),
            Table(
                key="agreements-category",
                title=_("Agreements by product group"),
                short_title=_("Agreements, product groups"),
                columns=[_("Product group"), _("Agreements"), _("Value (đồng)")],
                rows=agreement_rows(self.agreements_by_category),
                chart_column=2,
                money_columns=(2,),
                note=_(
                    "An agreement for products of several groups counts in each group, and its value "
                    "is split equally between them: the values add up to the total, the counts may not."
                ),
            ),
            Table(
                key="agreements-kind",
                title=_("Agreements by kind"),
                short_title=_("Agreements, kinds"),
                columns=[_("Kind"), _("Agreements"), _("Value (đồng)")],
                rows=agreement_rows([*self.agreements_by_kind, self.agreements_total]),
                chart_column=2,
                money_columns=(2,),
                has_total=True,
            ),
        ]


def _province_label(province_name: str | None, country: str) -> str:
    if province_name:
        return province_name
    if country and country.upper() != "VN":
        return _("Abroad (%(country)s)") % {"country": country.upper()}
    return _("No province given")


def _registrations(fair: FairPage) -> tuple[list[RegistrationRow], list[RegistrationRow]]:
    rows = (
        Participant.objects.filter(fair=fair)
        .values("province_id", "province__name", "country", "role", "buyer_kind", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_province: dict[tuple, RegistrationRow] = {}
    kinds = {
        (Participant.Role.COOPERATIVE, ""): RegistrationRow(label=str(Participant.Role.COOPERATIVE.label))
    }
    for kind, label in Participant.BuyerKind.choices:
        kinds[(Participant.Role.BUYER, kind)] = RegistrationRow(label=_("Buyer: %(kind)s") % {"kind": label})
    kinds[(Participant.Role.BUYER, "")] = RegistrationRow(label=_("Buyer: kind not given"))
    for row in rows:
        key = (row["province_id"] or "", "" if row["province_id"] else (row["country"] or "").upper())
        if key not in by_province:
            by_province[key] = RegistrationRow(label=_province_label(row["province__name"], row["country"]))
        by_province[key].by_status[row["status"]] += row["n"]
        kind = (row["role"], "" if row["role"] == Participant.Role.COOPERATIVE else row["buyer_kind"])
        kinds.setdefault(kind, RegistrationRow(label=_("Buyer: %(kind)s") % {"kind": row["buyer_kind"]}))
        kinds[kind].by_status[row["status"]] += row["n"]
    # Provinces by code (the official order), then abroad, then unknown.
    ordered = sorted(by_province.items(), key=lambda item: (not item[0][0], item[0][0], item[0][1] == ""))
    return [row for _key, row in ordered], [row for row in kinds.values() if row.total]


def _meetings(fair: FairPage) -> MeetingFigures:
    requests = MeetingRequest.objects.filter(fair=fair).aggregate(
        requested=Count("pk"),
        accepted=Count("pk", filter=Q(status=MeetingRequest.Status.ACCEPTED)),
    )
    meetings = (
        Meeting.objects.filter(fair=fair)
        .not_cancelled()
        .aggregate(
            meetings=Count("pk"),
            scheduled=Count("pk", filter=~Q(slot_key="")),
            held=Count("pk", filter=Q(outcome__in=[Meeting.Outcome.HELD, Meeting.Outcome.FOLLOW_UP])),
            no_shows=Count("pk", filter=Q(outcome=Meeting.Outcome.NO_SHOW)),
        )
    )
    return MeetingFigures(**requests, **meetings)


def _agreements(fair: FairPage) -> tuple[AgreementRow, list[AgreementRow], list[AgreementRow]]:
    agreements = Agreement.objects.filter(fair=fair)
    totals = agreements.aggregate(count=Count("pk"), value=Sum("value_vnd"))
    total = AgreementRow(label=_("All agreements"), count=totals["count"], value_vnd=totals["value"] or 0)
    by_province = [
        AgreementRow(
            label=row["supplier__cooperative__province__name"], count=row["n"], value_vnd=row["value"]
        )
        for row in agreements.values(
            "supplier__cooperative__province_id", "supplier__cooperative__province__name"
        )
        .annotate(n=Count("pk"), value=Sum("value_vnd"))
        .order_by("supplier__cooperative__province_id")
    ]
    by_kind = {
        row["kind"]: row
        for row in agreements.values("kind").annotate(n=Count("pk"), value=Sum("value_vnd")).order_by()
    }
    kinds = [
        AgreementRow(label=str(label), count=by_kind[kind]["n"], value_vnd=by_kind[kind]["value"])
        for kind, label in Agreement.Kind.choices
        if kind in by_kind
    ]
    return total, by_province, kinds


def _agreements_by_category(fair: FairPage) -> list[AgreementRow]:
    language = (get_language() or "vi")[:2]
    groups = list(Category.objects.filter(parent=None).order_by("sort_order", "name"))
    rows = (
        Agreement.objects.filter(fair=fair)
        .values("pk", "value_vnd", group=Coalesce("products__category__parent_id", "products__category_id"))
        .distinct()
        .order_by("pk")
    )
    groups_of: dict[int, set] = defaultdict(set)
    value_of: dict[int, int] = {}
    for row in rows:
        value_of[row["pk"]] = row["value_vnd"]
        groups_of[row["pk"]].add(row["group"])
    order = {group.pk: index for index, group in enumerate(groups)}
    result = {group.pk: AgreementRow(label=group.label(language)) for group in groups}
    result[None] = AgreementRow(label=_("No product named"))
    for pk, value in value_of.items():
        named = sorted((g for g in groups_of[pk] if g is not None), key=lambda g: order.get(g, len(order)))
        targets = named or [None]
        share, odd = divmod(value, len(targets))
        for index, group in enumerate(targets):
            row = result.setdefault(group, AgreementRow(label=str(group)))
            row.count += 1
            row.value_vnd += share + (1 if index < odd else 0)
    return [row for row in result.values() if row.count]


def fair_report(fair: FairPage) -> FairReport:
    """Every figure of the organisers' report, in a constant number of queries."""
    by_province, by_kind = _registrations(fair)
    total, agreements_by_province, agreements_by_kind = _agreements(fair)
    return FairReport(
        fair=fair,
        registrations_by_province=by_province,
        registrations_by_kind=by_kind,
        meetings=_meetings(fair),
        agreements_total=total,
        agreements_by_province=agreements_by_province,
        agreements_by_category=_agreements_by_category(fair),
        agreements_by_kind=agreements_by_kind,
    )
