"""Request and response shapes of Test connection and the query endpoint."""

from rest_framework import serializers

from core.api.serializers import ProblemSerializer


class QueryRequestSerializer(serializers.Serializer):
    statement = serializers.CharField(trim_whitespace=False, help_text="SQL with %Field Name% tokens.")
    profile = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        default=dict,
        help_text="Call profile values to bind, by field name.",
    )
    select_only = serializers.BooleanField(required=False, default=False)
    mapping = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        default=dict,
        help_text="Result column (or @variable) -> profile field; default: same name, ignoring case.",
    )


class SqlErrorSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="validation, unknown_dsn, auth, connect, timeout, pool_timeout, lost_connection, syntax or database"
    )
    message = serializers.CharField()
    sqlstate = serializers.CharField()
    driver_message = serializers.CharField()
    issues = ProblemSerializer(many=True)


class SqlResultSerializer(serializers.Serializer):
    sql = serializers.CharField(help_text="The statement as sent, with ? markers.")
    params = serializers.ListField(child=serializers.CharField(allow_null=True))
    sources = serializers.ListField(child=serializers.CharField(), help_text="The field each ? came from.")
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    rowcount = serializers.IntegerField(help_text="Rows returned by a query, rows affected by a write.")
    is_query = serializers.BooleanField()
    profile_updates = serializers.DictField(child=serializers.CharField())
    variables = serializers.DictField(child=serializers.CharField())
    elapsed_ms = serializers.FloatField()


class QueryResponseSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    result = SqlResultSerializer(required=False)
    error = SqlErrorSerializer(required=False)


class ConnectionInfoSerializer(serializers.Serializer):
    driver_name = serializers.CharField()
    driver_version = serializers.CharField()
    dbms_name = serializers.CharField()
    dbms_version = serializers.CharField()
    elapsed_ms = serializers.FloatField()


class TestConnectionResponseSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    info = ConnectionInfoSerializer(required=False)
    error = SqlErrorSerializer(required=False)
