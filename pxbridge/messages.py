"""Interface strings of the table pages (nb, en); registered into portal.kernel.i18n when the domain is imported."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "tab.tables": ("Tabeller", "Tables"),
    "tab.codelist": ("Kodeliste", "Code list"),
    "tab.codelist_none": ("Variabelens egne verdier", "The variable's own values"),
    "tab.codelist_use": ("Bruk kodelisten", "Use the code list"),
    "tab.table": ("Tabell", "Table"),
    "tab.id": ("Tabell-id", "Table id"),
    "tab.updated": ("Oppdatert", "Updated"),
    "tab.source": ("Kilde", "Source"),
    "tab.statistic": ("Statistikk", "Statistic"),
    "tab.cells": ("Celler", "Cells"),
    "tab.choose": ("Velg verdier", "Choose values"),
    "tab.choose_hint": (
        "Velg én eller flere verdier for hver variabel. Variabler merket valgfri kan stå tomme.",
        "Choose one or more values for each variable. Variables marked optional may be left empty.",
    ),
    "tab.optional": ("valgfri", "optional"),
    "tab.all": ("Velg alle ({n})", "Select all ({n})"),
    "tab.search": ("Søk i verdiene", "Search the values"),
    "tab.filter": ("Filtrer", "Filter"),
    "tab.show": ("Vis tabell", "Show table"),
    "tab.preview": ("Tabell", "Table"),
    "tab.preview_cut": (
        "Viser de første {n} radene. Last ned for hele utvalget.",
        "Showing the first {n} rows. Download for the whole selection.",
    ),
    "tab.download": ("Last ned utvalget", "Download the selection"),
    "tab.api": ("API-spørring for utvalget", "API query for the selection"),
    "tab.api_get": ("GET (PxWebApi 2.0)", "GET (PxWebApi 2.0)"),
    "tab.api_post": ("POST-kropp (PxWebApi 2.0)", "POST body (PxWebApi 2.0)"),
    "tab.copy": ("Kopier", "Copy"),
    "tab.copied": ("Kopiert", "Copied"),
    "tab.chart": ("Figur", "Chart"),
    "tab.chart_line": (
        "Linjediagram over {what}, {n} serier. Tallene står i tabellen.",
        "Line chart of {what}, {n} series. The figures are in the table.",
    ),
    "tab.chart_bar": (
        "Søylediagram over {what}. Tallene står i tabellen.",
        "Bar chart of {what}. The figures are in the table.",
    ),
    "tab.chart_cut": (
        "Figuren viser bare de første seriene eller søylene.",
        "The chart shows only the first series or bars.",
    ),
    "tab.problem": ("Utvalget kan ikke vises", "The selection cannot be shown"),
    "tab.none": ("Ingen tabeller ennå.", "No tables yet."),
}

register_messages(MESSAGES)
