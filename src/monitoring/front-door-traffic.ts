import type { aws_apigateway as apigw, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';

/**
 * What the alarms and the dashboard read of the front door: requests answered and how. Every
 * count is a `Sum`, so that a rate (5xx / requests) can be taken over any period; the one place
 * that knows where they come from, so that another front door only adds its own function here.
 */
export interface FrontDoorTraffic {
  readonly requests: cloudwatch.IMetric;
  readonly clientErrors: cloudwatch.IMetric;
  readonly serverErrors: cloudwatch.IMetric;
  readonly latency: cloudwatch.IMetric;
  readonly integrationLatency: cloudwatch.IMetric;
}

/** The traffic of a REST API's deployment stage. */
export function restApiTraffic(api: apigw.RestApi): FrontDoorTraffic {
  // The stage's metrics carry both ApiName and Stage, so they count this API's stage only.
  const stage = api.deploymentStage;
  return {
    requests: stage.metricCount({ statistic: 'Sum' }),
    clientErrors: stage.metricClientError({ statistic: 'Sum' }),
    serverErrors: stage.metricServerError({ statistic: 'Sum' }),
    latency: stage.metricLatency({ statistic: 'p99' }),
    integrationLatency: stage.metricIntegrationLatency({ statistic: 'p99' }),
  };
}
