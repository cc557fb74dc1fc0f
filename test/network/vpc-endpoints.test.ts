import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import { WebhookProvider, WebhookVpcEndpoints, WebhookVpcEndpointService } from '../../src';
import { synth } from '../util';

/** A VPC with isolated subnets only, as an account without NAT gateways has. */
const isolatedVpc = (stack: Stack, options: Partial<ec2.VpcProps> = {}) => new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }], restrictDefaultSecurityGroup: false, ...options,
});

const interfaceServices = (template: Template) => Object.values(template.findResources('AWS::EC2::VPCEndpoint'))
  .filter((e) => e.Properties.VpcEndpointType === 'Interface').map((e) => JSON.stringify(e.Properties.ServiceName)).sort();

const serviceName = (service: string) => new RegExp(`\\.${service}"`);

describe('VPC endpoints (vpcEndpoints)', () => {
  test('off by default: a VPC gets no endpoints, and each function keeps the security group Lambda creates for it', () => {
    const { template, processor } = synth({}, (stack) => ({ vpc: isolatedVpc(stack) }));
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(processor.vpcEndpoints).toEqual([]);
    expect(processor.functionsSecurityGroup).toBeUndefined();
  });

  test('created: gateway endpoints for S3 and DynamoDB on the route tables of the functions\' subnets', () => {
    const { template } = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create() }));
    const gateways = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).filter((e) => e.Properties.VpcEndpointType === 'Gateway');
    expect(gateways.map((g) => JSON.stringify(g.Properties.ServiceName)).sort()).toEqual([
      expect.stringMatching(serviceName('dynamodb')), expect.stringMatching(serviceName('s3')),
    ]);
    const tables = Object.keys(template.findResources('AWS::EC2::RouteTable'));
    for (const gateway of gateways) {
      expect(gateway.Properties.RouteTableIds.map((r: { Ref: string }) => r.Ref).sort()).toEqual(tables.sort());
    }
  });

  test('created: interface endpoints with private DNS for SQS and Secrets Manager, in the functions\' subnets', () => {
    const { template } = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create() }));
    expect(interfaceServices(template)).toEqual([expect.stringMatching(serviceName('secretsmanager')), expect.stringMatching(serviceName('sqs'))]);
    const subnets = Object.keys(template.findResources('AWS::EC2::Subnet')).sort();
    for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))) {
      expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
      expect(endpoint.Properties.SubnetIds.map((s: { Ref: string }) => s.Ref).sort()).toEqual(subnets);
    }
  });

  test('the interface endpoints admit HTTPS from the functions\' security group only', () => {
    const { template, processor } = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create() }));
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const endpointGroup = Object.keys(groups).find((id) => id.startsWith('WebhooksVpcEndpointsEndpointSecurityGroup'))!;
    const functionsGroup = Object.keys(groups).find((id) => id.startsWith('WebhooksVpcEndpointsFunctionsSecurityGroup'))!;
    expect(groups[endpointGroup].Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r.Properties.GroupId).includes(endpointGroup));
    expect(ingress.map((r) => r.Properties)).toEqual([{
      GroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [functionsGroup, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      Description: 'HTTPS from the webhook functions',
    }]);
    for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))) {
      expect(endpoint.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [endpointGroup, 'GroupId'] }]);
    }
    expect(processor.functionsSecurityGroup).toBeDefined();
  });

  test('the functions may send HTTPS and nothing else', () => {
    const { template } = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create() }));
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const functionsGroup = Object.keys(groups).find((id) => id.startsWith('WebhooksVpcEndpointsFunctionsSecurityGroup'))!;
    expect(groups[functionsGroup].Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS to AWS APIs' },
    ]);
  });

  test('every function runs in the functions\' security group', () => {
    const { template } = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create(), eventBus: new events.EventBus(stack, 'Bus') }));
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(8);
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^WebhooksVpcEndpointsFunctionsSecurityGroup/), 'GroupId'] }]);
    }
    template.resourceCountIs('AWS::EC2::SecurityGroup', 2);
  });

  test('an EventBridge endpoint once events are on, also when a route turns them on later', () => {
    const withBus = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create(), eventBus: new events.EventBus(stack, 'Bus') }));
    expect(interfaceServices(withBus.template)).toContainEqual(expect.stringMatching(serviceName('events')));

    const later = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create() }));
    later.processor.onWebhook('Payments', { providers: ['stripe'] });
    later.processor.onWebhook('More', { providers: ['stripe'] });
    expect(interfaceServices(later.template).filter((s) => serviceName('events').test(s))).toHaveLength(1);
    expect(later.processor.vpcEndpoints).toHaveLength(5);
  });

  test('no EventBridge endpoint while events are off', () => {
    const { template } = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create() }));
    expect(interfaceServices(template).some((s) => serviceName('events').test(s))).toBe(false);
  });

  test('no Secrets Manager endpoint when no provider has a secret', () => {
    const { template } = synth({ providers: [WebhookProvider.unverified('sandbox')] }, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.create() }));
    expect(interfaceServices(template)).toEqual([expect.stringMatching(serviceName('sqs'))]);
  });

  test('services the VPC already has an endpoint for are left out', () => {
    const { template } = synth({}, (stack) => ({
      vpc: isolatedVpc(stack),
      vpcEndpoints: WebhookVpcEndpoints.create({ except: [WebhookVpcEndpointService.S3, WebhookVpcEndpointService.SQS] }),
    }));
    const services = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(services).toHaveLength(2);
    expect(services.some((s) => serviceName('s3').test(s) || serviceName('sqs').test(s))).toBe(false);
  });

  test('EXISTING creates nothing', () => {
    const { template } = synth({}, (stack) => ({ vpc: isolatedVpc(stack), vpcEndpoints: WebhookVpcEndpoints.EXISTING }));
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('gateway endpoints follow vpcSubnets', () => {
    const { template } = synth({}, (stack) => ({
      vpc: isolatedVpc(stack, {
        subnetConfiguration: [
          { name: 'functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          { name: 'other', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      }),
      vpcSubnets: { subnetGroupName: 'functions' },
      vpcEndpoints: WebhookVpcEndpoints.create(),
    }));
    const s3 = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }))[0];
    expect(s3.Properties.RouteTableIds).toHaveLength(2);
    expect(s3.Properties.RouteTableIds.every((r: { Ref: string }) => r.Ref.startsWith('VpcfunctionsSubnet'))).toBe(true);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      SubnetIds: Match.arrayEquals([{ Ref: Match.stringLikeRegexp('^VpcfunctionsSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcfunctionsSubnet2') }]),
    });
  });
});

describe('VPC endpoint props validation', () => {
  test('vpcEndpoints needs vpc', () => {
    expect(() => synth({ vpcEndpoints: WebhookVpcEndpoints.create() }))
      .toThrow(/Invalid WebhookProcessor props at Test\/Webhooks:[\s\S]*'vpcEndpoints' creates VPC endpoints, which needs 'vpc'/);
  });

  test('EXISTING without a VPC is accepted (it creates nothing)', () => {
    expect(() => synth({ vpcEndpoints: WebhookVpcEndpoints.EXISTING })).not.toThrow();
  });

  test.each([
    ['DNS hostnames', { enableDnsHostnames: false }],
    ['DNS support', { enableDnsSupport: false, enableDnsHostnames: false }],
  ])('private DNS needs the VPC\'s %s', (_, options) => {
    expect(() => synth({}, (stack) => ({ vpc: isolatedVpc(stack, options), vpcEndpoints: WebhookVpcEndpoints.create() })))
      .toThrow(/'vpcEndpoints' creates interface endpoints with private DNS, which needs DNS hostnames and DNS support in 'vpc': set 'enableDnsHostnames' and 'enableDnsSupport' to true/);
  });

  test('an imported VPC is taken as it is', () => {
    expect(() => synth({}, (stack) => ({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-1234', availabilityZones: ['us-east-1a'], isolatedSubnetIds: ['subnet-1'], isolatedSubnetRouteTableIds: ['rtb-1'],
      }),
      vpcEndpoints: WebhookVpcEndpoints.create(),
    }))).not.toThrow();
  });

  test('except lists each service once', () => {
    expect(() => synth({}, (stack) => ({
      vpc: isolatedVpc(stack),
      vpcEndpoints: WebhookVpcEndpoints.create({ except: [WebhookVpcEndpointService.S3, WebhookVpcEndpointService.S3] }),
    }))).toThrow(/'vpcEndpoints': 'except' lists s3 more than once/);
  });
});
