// The Alerting construct on its own, for the shapes the full-stack template does not cover.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Alerting, type AlertingProps } from '../../lib/constructs/alerting';
import { newApp, TEST_ENV } from './support';

const alertingStack = (props: AlertingProps) => {
  const stack = new Stack(newApp(), 'AlertingTest', { env: TEST_ENV });
  new Alerting(stack, 'Alerting', props);
  return stack;
};

describe('Alerting', () => {
  it('lets a notifier on the alerts topic alone hear critical alerts too', () => {
    // prepare
    const stack = alertingStack({
      slack: { webhookSecret: 'voiso-sec/slack', topics: ['alerts'] },
    });

    // act
    const subscriptions = Object.values(
      Template.fromStack(stack).findResources('AWS::SNS::Subscription', {
        Properties: { Protocol: 'lambda' },
      }),
    );

    // assert
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]?.Properties.FilterPolicy).toBeUndefined();
  });

  it('refuses Chatbot on an alert topic, naming the Slack notifier', () => {
    // prepare
    const chatbot = {
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCD',
      topics: ['alerts'] as unknown as readonly 'ops'[],
    };

    // act
    const build = () => alertingStack({ chatbot });

    // assert
    expect(build).toThrow(/chatbot\.topics may only be \["ops"\].*Slack notifier/);
  });
});
