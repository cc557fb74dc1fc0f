import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { InternalSendersOptions } from '../../src';
import { internalSenderFeatures } from '../../src/ingress/internal-senders';
import { synth } from '../util';

const invalid = (internalSenders: InternalSendersOptions) => () => synth({ internalSenders });

describe('internalSenders validation', () => {
  test('IAM sender names are route segments', () => {
    expect(invalid({ iamSenders: [{ name: 'Billing Team' }] })).toThrow(/'internalSenders.iamSenders' name 'Billing Team' must be 1-32 lower-case letters/);
  });

  test('an IAM sender may not share a provider\'s name', () => {
    expect(invalid({ iamSenders: [{ name: 'stripe' }] })).toThrow(/'internalSenders.iamSenders' name 'stripe' is also a provider's name/);
  });

  test('IAM sender names are unique', () => {
    expect(invalid({ iamSenders: [{ name: 'billing' }, { name: 'billing' }] })).toThrow(/more than one sender named 'billing'/);
  });

  test('delivery id and event type headers are lower-case header names', () => {
    expect(invalid({ iamSenders: [{ name: 'billing', deliveryIdHeader: 'X-Id' }] })).toThrow(/'deliveryIdHeader' must be a lower-case HTTP header name; 'X-Id' is not/);
  });

  test('content types, when given, are not empty', () => {
    expect(invalid({ iamSenders: [{ name: 'billing', contentTypes: [] }] })).toThrow(/'contentTypes' must list at least one content type/);
  });

  test('API keys name at least one sender', () => {
    expect(invalid({ apiKeys: { senders: [] } })).toThrow(/'internalSenders.apiKeys.senders' must name at least one provider or IAM sender/);
  });

  test('API keys name only providers or IAM senders', () => {
    expect(invalid({ apiKeys: { senders: ['acme'] } })).toThrow(/'internalSenders.apiKeys.senders' names 'acme', which is neither a provider nor an IAM sender; use one of: stripe/);
  });

  test('the quota limit is a positive whole number', () => {
    expect(invalid({ apiKeys: { senders: ['stripe'], quota: { limit: 0, period: apigw.Period.DAY } } })).toThrow(/'internalSenders.apiKeys.quota.limit' must be a positive whole number/);
  });

  test('key names are distinct', () => {
    expect(invalid({ apiKeys: { senders: ['stripe'], keyNames: ['a', 'a'] } })).toThrow(/'internalSenders.apiKeys.keyNames' lists a name more than once/);
  });

  describe('authorizers', () => {
    function withAuthorizers(providers: string[], iamSenders: string[] = []) {
      return () => synth({}, (stack) => {
        const handler = lambda.Function.fromFunctionArn(stack, 'AuthFn', 'arn:aws:lambda:us-east-1:123456789012:function:authorizer');
        const authorizer = new apigw.TokenAuthorizer(stack, 'Auth', { handler });
        const authorizers = providers.map((provider) => ({ provider, authorizer }));
        return { internalSenders: { iamSenders: iamSenders.map((name) => ({ name })), authorizers } };
      });
    }

    test('go on providers only', () => {
      expect(withAuthorizers(['acme'])).toThrow(/'internalSenders.authorizers' names 'acme', which is not a provider; use one of: stripe/);
    });

    test('not on IAM senders', () => {
      expect(withAuthorizers(['billing'], ['billing'])).toThrow(/'internalSenders.authorizers' names 'billing', an IAM sender: its route is authorised by IAM/);
    });

    test('one per provider', () => {
      expect(withAuthorizers(['stripe', 'stripe'])).toThrow(/more than one authorizer for 'stripe'; a route takes one/);
    });
  });

  test('the features in use are named by prop, for front doors that lack them', () => {
    expect(internalSenderFeatures(undefined)).toEqual([]);
    expect(internalSenderFeatures({ apiKeys: { senders: ['stripe'] }, iamSenders: [{ name: 'billing' }] })).toEqual(['internalSenders.apiKeys', 'internalSenders.iamSenders']);
  });
});
