import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MonitoredPipeline } from './monitored-pipeline';

/** Properties of the pipeline's dashboard. */
export interface WebhookDashboardProps {
  /** What to show. */
  readonly pipeline: MonitoredPipeline;
  /** Alarms whose state to show. */
  readonly alarms: cloudwatch.IAlarm[];
}

/** API traffic, deliveries, backlog and functions of one pipeline, on one page. */
export class WebhookDashboard extends cloudwatch.Dashboard {
  constructor(scope: Construct, id: string, props: WebhookDashboardProps) {
    super(scope, id, { defaultInterval: Duration.hours(3) });
    const { pipeline } = props;
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const perFunction = (metric: (fn: MonitoredPipeline['functions'][number]) => cloudwatch.IMetric) => pipeline.functions.map(metric);
    this.addWidgets(
      graph('API requests', [pipeline.requests, pipeline.clientErrors, pipeline.serverErrors]),
      graph('API latency p99', [pipeline.latency, ...(pipeline.integrationLatency ? [pipeline.integrationLatency] : [])]),
      graph('Webhooks', [pipeline.accepted, pipeline.processed, pipeline.duplicates]),
    );
    this.addWidgets(
      graph('Queue backlog', [pipeline.backlog, pipeline.deadLetters]),
      graph('Oldest queued webhook (s)', [pipeline.oldestMessageAge]),
      graph('Function errors', perFunction((f) => f.function.metricErrors({ statistic: 'Sum', label: f.name.toLowerCase() }))),
    );
    this.addWidgets(
      graph('Function duration p99', perFunction((f) => f.function.metricDuration({ statistic: 'p99', label: f.name.toLowerCase() })), 12),
      graph('Function throttles', perFunction((f) => f.function.metricThrottles({ statistic: 'Sum', label: f.name.toLowerCase() })), 12),
    );
    if (props.alarms.length > 0) {
      this.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24 }));
    }
  }
}
