"""Seed the 43 mandatory call profile fields of the guide's Table 1, in the guide's order.

The data is frozen here (not imported from app code) so this migration means the same thing forever.
"""

from django.db import migrations

# (Call Profile Name, TAPI call property, description, data type)
TABLE_1 = [
    ("ANI", "_STCC_ANI", "Automatic Number Identification (ANI) transmits the customer's telephone number and delivers it to your call center's telephone system. Note: The format of the ANI call profile field includes a plus sign (+) before the ANI number. This facilitates external incoming calls (i.e. from outside your site).", "phone"),
    ("Agent Queue", "_STCC_Agent Queue", "Indicates that the call is being handled by a personal agent queue.", "text"),
    ("Group", "_STCC_Group", "The internal group id related to the call", "text"),
    ("Trunk", "_STCC_Trunk", "PBX and call-type depended", "text"),
    ("Call ID", "_STCC_Call ID", "The ID of the call", "text"),
    ("Caller Name", "_STCC_Caller Name", "Indicates the name of the caller in the PBX.", "text"),
    ("DNIS", "_STCC_DNIS", "The DNIS of the call", "phone"),
    ("DNIS Name", "_STCC_DNIS Name", "Indicates the name of the DNIS in the PBX.", "text"),
    ("Call Type", "_STCC_Type", "Call type (Voice, Chat, Email, Callback, Abandoned, Web Callback, Dial List)", "text"),
    ("Media", "_STCC_Media", "Call media (WEB, VOICE, EMAIL)", "text"),
    ("Priority", "_STCC_Priority", "Priority of the call", "number"),
    ("Service", "_STCC_Service", "Service that handles the call", "text"),
    ("Customer Number", "_STCC_Customer Number", "Identifier number of the customer (if internal, the Customers Table is used)", "text"),
    ("Customer Name", "_STCC_Customer Name", "Customer name (if internal the Customers Table is used)", "text"),
    ("ACD Enter Date", "_STCC_ACD Enter Date", "Date the call entered Contact Center", "date"),
    ("ACD Enter Time", "_STCC_ACD Enter Time", "Time the call entered Contact Center", "time"),
    ("Queue Position", "_STCC_Queue Position", "Call position in the queue", "number"),
    ("Average Queue Time", "_STCC_Average Queue Time", "Expected average wait time in the queue.", "number"),
    ("Call Back Time", "_STCC_Call Back Time", "Callback time set by caller (if empty, Abandoned Call)", "time"),
    ("Call Back Date", "_STCC_Call Back Date", "Indicates the date when the call back was made.", "date"),
    ("Call Back Destination", "_STCC_Call Back Destination", "Callback destination", "phone"),
    ("Language", "_STCC_Language", "The language associated with the call (0=English, 1=Hebrew, 2=Russsian, 3=Arabic, 4=Mexican Spanish)", "number"),
    ("Agent Extension", "_STCC_Agent Extension", "The agent's telephone extension number", "text"),
    ("Agent Number", "_STCC_Agent Number", "Number used to identify the agent", "text"),
    ("Dial List ID", "_STCC_Dial List ID", "The ID of the dial list", "text"),
    ("Start Queue Time", "_STCC_Start Queue Time", "The time when a call enters the queue", "time"),
    ("Execute Req", "_STCC_Execute Req", "For any request to be executed", "text"),
    ("Trunk Number", "_STCC_Trunk Number", "The number of the trunk", "text"),
    ("Email To", "_STCC_Email To", "The text in the To field of the email", "text"),
    ("Email CC", "_STCC_Email CC", "The text in the CC field of the email", "text"),
    ("Email Subject", "_STCC_Email Subject", "The text in the Subject field of the email", "text"),
    ("Email From", "_STCC_Email From", "The text in the From field of the email", "text"),
    ("Email Sent Date", "_STCC_Email Sent Date", "The text in the Date Sent field of the email", "date"),
    ("Email Sent Time", "_STCC_Email Sent Time", "The text in the Time Sent field of the email", "time"),
    ("Email Enter OMS Date", "_STCC_Email Enter OMS Date", "The text in the OMS Date field of the email", "date"),
    ("Email Enter OMS Time", "_STCC_Email Enter OMS Time", "The text in the OMS Time field of the email", "time"),
    ("Primary Call Back Destination", "_STCC_Primary Call Back Destination", "The primary destination for the callback", "phone"),
    ("Alternative Call Back Destination 1", "_STCC_Alternative Call Back Destination 1", "The first alternative destination for the callback", "phone"),
    ("Alternative Call Back Destination 2", "_STCC_Alternative Call Back Destination 2", "The second alternative destination for the callback.", "phone"),
    ("Last Time To Initiate Callback", "_STCC_Last Time To Initiate Callback", "The time when the last callback can be made", "time"),
    ("Alternative Call ID", "_STCC_Alternative Call ID", "The PBX TAPI call ID", "text"),
    ("Outbound Caller ID", "_STCC_Outbound Caller ID", "The caller ID of the outbound call", "phone"),
    ("SW Call GUID", "_STCC_SW Call GUID", "The PBX call GUID", "text"),
]


def seed_rows(CallProfileField) -> None:
    """Also used by the tests after a flush, with the model of today's layout (calls.CallProfileField)."""
    for position, (name, tapi, description, data_type) in enumerate(TABLE_1, start=1):
        CallProfileField.objects.update_or_create(
            name=name,
            defaults={
                "tapi_property": tapi,
                "description": description,
                "kind": "mandatory",
                "data_type": data_type,
                "exported": True,
                "position": position,
            },
        )


def seed(apps, schema_editor):
    seed_rows(apps.get_model("acd", "CallProfileField"))


def unseed(apps, schema_editor):
    apps.get_model("acd", "CallProfileField").objects.filter(kind="mandatory").delete()


class Migration(migrations.Migration):
    dependencies = [("acd", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
