"""Query Tester and Test connection: run SQL the way a call control script would, and show every step."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.access import configuration_required
from director.forms.query_tester import QueryTesterForm
from scripts_app.models import DatabaseConnection
from scripts_app.sql import gateway, template
from scripts_app.sql.types import SqlError


@configuration_required
def query_tester(request: HttpRequest) -> HttpResponse:
    form = QueryTesterForm(request.POST or None, initial=_initial(request))
    context: dict[str, Any] = {"title": "Query Tester", "form": form, "submit_label": "Run"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        context["tokens"] = [t.name for t in template.tokens(data["statement"]) if not t.in_literal]
        try:
            result = gateway.run_statement(
                data["connection"], data["statement"], data["profile"], select_only=data["select_only"]
            )
        except SqlError as error:
            context["error"] = error
        else:
            context["result"] = result
            context["bound"] = list(zip(result.statement.sources, result.statement.params, strict=False))
    return render(request, "director/sql/query_tester.html", context)


def _initial(request: HttpRequest) -> dict[str, Any]:
    connection = request.GET.get("connection")
    return {"connection": connection} if connection and connection.isdigit() else {}


@configuration_required
def test_connection(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(DatabaseConnection, pk=pk)
    context: dict[str, Any] = {"title": f"Test connection '{connection.name}'", "connection": connection}
    if request.method == "POST":
        try:
            context["info"] = gateway.test_connection(connection)
        except SqlError as error:
            context["error"] = error
    return render(request, "director/sql/test_connection.html", context)
