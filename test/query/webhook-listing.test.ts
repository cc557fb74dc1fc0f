import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { actionsOfRole, logicalIdOf, synth } from '../util';

describe('listing', () => {
  test('GET /webhooks requires AWS_IAM and proxies to the listing function', () => {
    const { template } = synth();
    const list = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksListing');
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'AWS_IAM',
      OperationName: 'ListWebhooks',
      Integration: Match.objectLike({ Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [list, 'Arn'] }])]) }) }),
    });
  });

  test('the listing function queries the by-provider index only, and knows the providers', () => {
    const { template } = synth();
    expect(actionsOfRole(template, 'WebhooksListingRole')).toEqual(['dynamodb:Query', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    const table = logicalIdOf(template, 'AWS::DynamoDB::Table', 'WebhooksStoreTable');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/byProviderDate']] },
        })]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ INDEX_NAME: 'byProviderDate', PROVIDER_NAMES: 'stripe' }) },
    });
  });

  test('grantList() allows execute-api:Invoke on GET /webhooks only', () => {
    const fixture = synth();
    const { processor, stack } = fixture;
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    processor.grantList(role);
    const statement = stack.resolve((role.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON()).Statement[0];
    expect(statement.Action).toBe('execute-api:Invoke');
    expect(JSON.stringify(statement.Resource)).toMatch(/"\/GET\/webhooks"\]\]}$/);
  });
});
