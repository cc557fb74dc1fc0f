"""The example app synthesizes the pipeline it describes. Run with `pytest` from examples/python."""
import json

import pytest
from aws_cdk import App
from aws_cdk.assertions import Match, Template

from app import WebhooksStack

PROVIDERS = ["stripe", "github", "billing", "acme", "zendesk", "twitch", "docusign"]
PRESETS = ["zendesk", "twitch", "docusign"]
SECRETS = [
    "webhooks/stripe", "webhooks/stripe-next", "webhooks/github", "webhooks/billing", "webhooks/acme",
    "webhooks/zendesk", "webhooks/twitch", "webhooks/docusign",
]


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.from_stack(WebhooksStack(App(), "WebhooksExample"))


def ingest_function(template: Template) -> dict:
    functions = [
        fn for fn in template.find_resources("AWS::Lambda::Function").values()
        if "WEBHOOK_PROVIDERS" in json.dumps(fn["Properties"].get("Environment", {}))
    ]
    assert len(functions) == 1
    return functions[0]


def test_eight_arm64_nodejs24_functions(template: Template) -> None:
    # ingest, processor, dead-letter archiver, redrive, status, listing, and the event publisher
    # and replay functions the route turns on
    template.resource_count_is("AWS::Lambda::Function", 8)
    template.resource_properties_count_is(
        "AWS::Lambda::Function", {"Architectures": ["arm64"], "Runtime": "nodejs24.x"}, 8
    )


def test_webhook_route_is_open_and_status_and_listing_routes_are_iam_authorised(template: Template) -> None:
    template.resource_count_is("AWS::ApiGateway::Method", 3)
    template.has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "{provider}"})
    template.has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "{id}"})
    template.has_resource_properties("AWS::ApiGateway::Method", {"HttpMethod": "POST", "AuthorizationType": "NONE"})
    template.has_resource_properties("AWS::ApiGateway::Method", {"HttpMethod": "GET", "AuthorizationType": "AWS_IAM"})


def test_one_url_output_per_provider(template: Template) -> None:
    for provider in PROVIDERS:
        outputs = list(template.find_outputs(f"{provider}Url").values())
        assert len(outputs) == 1
        assert f"/webhook/{provider}" in json.dumps(outputs[0]["Value"])


def test_ingest_function_knows_every_provider(template: Template) -> None:
    config = json.dumps(ingest_function(template)["Properties"]["Environment"]["Variables"]["WEBHOOK_PROVIDERS"])
    for provider in PROVIDERS:
        assert f'\\"n\\":\\"{provider}\\"' in config


def test_presets_are_configured_by_name_with_their_own_tolerance(template: Template) -> None:
    config = json.dumps(ingest_function(template)["Properties"]["Environment"]["Variables"]["WEBHOOK_PROVIDERS"])
    for preset in PRESETS:
        assert f'\\"P\\":\\"{preset}\\"' in config
    # Twitch asks for 10 minutes; the others use the processor's default (5 minutes).
    assert '\\"n\\":\\"twitch\\",\\"s\\":\\"hmac\\",\\"P\\":\\"twitch\\"' in config
    assert '\\"t\\":600' in config


def test_queue_redrives_to_dead_letter_queue_after_three_receives(template: Template) -> None:
    template.has_resource_properties("AWS::SQS::Queue", {
        "RedrivePolicy": {
            "maxReceiveCount": 3,
            "deadLetterTargetArn": {"Fn::GetAtt": [Match.string_like_regexp("DeadLetterQueue"), "Arn"]},
        },
    })


def test_processor_batches(template: Template) -> None:
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {
        "BatchSize": 25,
        "MaximumBatchingWindowInSeconds": 10,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    })


def test_table_is_on_demand_with_pitr_index_and_ttl(template: Template) -> None:
    template.has_resource_properties("AWS::DynamoDB::Table", {
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "GlobalSecondaryIndexes": [Match.object_like({"IndexName": "byProviderDate"})],
        "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
    })


def test_only_the_ingest_function_reads_the_secrets(template: Template) -> None:
    statements = [
        (statement, policy["Properties"]["Roles"])
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(a.startswith("secretsmanager:") for a in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]))
    ]
    roles = {role["Ref"] for _, policy_roles in statements for role in policy_roles}
    assert roles == {ingest_function(template)["Properties"]["Role"]["Fn::GetAtt"][0]}
    resources = json.dumps([statement["Resource"] for statement, _ in statements])
    for name in SECRETS:
        assert f":secret:{name}-??????" in resources


def test_every_alarm_notifies_the_topic(template: Template) -> None:
    alarms = template.find_resources("AWS::CloudWatch::Alarm").values()
    assert alarms
    for alarm in alarms:
        assert len(alarm["Properties"]["AlarmActions"]) == 1


def test_high_value_stripe_payments_are_routed_to_their_queue(template: Template) -> None:
    rules = list(template.find_resources("AWS::Events::Rule").values())
    assert len(rules) == 1
    pattern = rules[0]["Properties"]["EventPattern"]
    assert pattern["source"] == ["cdk-webhook-processor"]
    assert pattern["detail"]["provider"] == ["stripe"]
    assert pattern["detail"]["type"] == ["payment_intent.succeeded"]
    assert pattern["detail"]["payload"] == {"data": {"object": {"amount": [{"numeric": [">", 10000]}]}}}
    high_value = [logical_id for logical_id in template.find_resources("AWS::SQS::Queue") if logical_id.startswith("HighValuePayments")]
    assert rules[0]["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [high_value[0], "Arn"]}
