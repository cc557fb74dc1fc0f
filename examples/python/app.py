#!/usr/bin/env python3
"""A CDK app with a WebhookProcessor for Stripe, GitHub, Standard Webhooks, a custom HMAC provider,
Zendesk, Twitch EventSub and DocuSign Connect."""
from aws_cdk import App, CfnOutput, Duration, Stack
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_webhook_processor import (
    HmacAlgorithm,
    SignatureEncoding,
    WebhookAlarmOptions,
    WebhookLifecycleOptions,
    WebhookProcessingOptions,
    WebhookProcessor,
    WebhookProvider,
)


class WebhooksStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The signing secrets are created outside the stack, each holding the secret exactly as
        # the provider shows it (e.g. `whsec_...`).
        def secret(logical_id: str, name: str) -> secretsmanager.ISecret:
            return secretsmanager.Secret.from_secret_name_v2(self, logical_id, name)

        providers = [
            # Two Stripe secrets while rolling the endpoint secret: either signature is accepted.
            WebhookProvider.stripe(
                secrets=[secret("StripeSecret", "webhooks/stripe"), secret("StripeSecretNext", "webhooks/stripe-next")],
            ),
            WebhookProvider.github(secrets=[secret("GitHubSecret", "webhooks/github")]),
            WebhookProvider.standard_webhooks(name="billing", secrets=[secret("BillingSecret", "webhooks/billing")]),
            WebhookProvider.hmac(
                name="acme",
                secrets=[secret("AcmeSecret", "webhooks/acme")],
                signature_header="X-Acme-Signature",
                algorithm=HmacAlgorithm.SHA256,
                encoding=SignatureEncoding.HEX,
                signature_prefix="sha256=",
                timestamp_header="X-Acme-Timestamp",
                event_id_header="X-Acme-Delivery",
                event_type_json_path="event.type",
            ),
            # Presets of the signed-content engine: an ISO 8601 timestamp before the body (Zendesk),
            # a header and an RFC 3339 timestamp before it (Twitch, 10 minutes of tolerance), one
            # numbered signature header per Connect key (DocuSign).
            WebhookProvider.zendesk(secrets=[secret("ZendeskSecret", "webhooks/zendesk")]),
            WebhookProvider.twitch(secrets=[secret("TwitchSecret", "webhooks/twitch")]),
            WebhookProvider.docusign(secrets=[secret("DocusignSecret", "webhooks/docusign")]),
        ]

        webhooks = WebhookProcessor(
            self,
            "Webhooks",
            providers=providers,
            processing=WebhookProcessingOptions(batch_size=25, max_batching_window=Duration.seconds(10)),
            alarms=WebhookAlarmOptions(alarm_topic=sns.Topic(self, "Alerts", enforce_ssl=True)),
            lifecycle=WebhookLifecycleOptions(
                archive_expiration=Duration.days(400),
                record_expiration=Duration.days(90),
            ),
        )

        # Large Stripe payments to a queue of their own: an EventBridge rule on the construct's
        # events, matching a numeric range on the payload (the webhook's parsed JSON body).
        high_value_payments = sqs.Queue(self, "HighValuePayments", enforce_ssl=True)
        webhooks.on_webhook(
            "HighValuePayments",
            providers=["stripe"],
            event_types=["payment_intent.succeeded"],
            payload={"data": {"object": {"amount": [{"numeric": [">", 10000]}]}}},
            targets=[targets.SqsQueue(high_value_payments)],
        )

        for provider in providers:
            CfnOutput(
                self,
                f"{provider.name}Url",
                description=f"Webhook endpoint to register with {provider.name}",
                value=webhooks.webhook_url(provider.name),
            )


if __name__ == "__main__":
    app = App()
    WebhooksStack(app, "WebhooksExample")
    app.synth()
