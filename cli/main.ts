// The `voiso-sec` command line: commands, their help, and one place that turns errors into a
// one-line message and an exit code scripts can trust (0 ok, 1 failure, 2 usage).
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_STACK_NAME } from './aws';
import { formatBacktest } from './backtest/report';
import { DEFAULT_BACKTEST_SINCE, runBacktest } from './commands/backtest';
import {
  connectionInfo,
  connectionInfoDocument,
  formatConnectionInfo,
  localConnectionInfo,
} from './commands/connection-info';
import { DEFAULT_EXPLAIN_SINCE, formatExplanation, runExplain } from './commands/explain';
import { runLocal, SLACK_WEBHOOK_ENV } from './commands/local';
import { formatQuery } from './commands/query/format';
import { runQuery } from './commands/query/run';
import { runRedrive } from './commands/redrive';
import { formatRules, runRules } from './commands/rules';
import { runSend } from './commands/send';
import { formatSimulation, runSimulation } from './commands/simulate';
import {
  CommandFailure,
  describeAwsSetupError,
  describeConnectionError,
  EXIT,
  UsageError,
} from './errors';
import { deployedStatus } from './status/deployed';
import { formatStatus } from './status/format';
import { localStatus } from './status/local';
import { plural, terminalSafeJson, terminalWidth } from './terminal';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);
const warn = (message: string) => err(`voiso-sec: warning: ${message}`);

const examples = (...lines: string[]) =>
  `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

const CONFIGURATION_NOTE =
  '\nConfiguration: ./cdk.json\'s "voiso-sec" context when present (or --config), as the stack\n' +
  'deploys it: batching, receives before the DLQ, function timeout, retention and detection\n' +
  'settings. --detection-config replaces the detection settings only.\n';

/** --region/--profile/--stack, for commands that talk to a deployed stack. */
function withAws(command: Command): Command {
  return command
    .option('--stack <name>', 'CloudFormation stack to use', DEFAULT_STACK_NAME)
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile)')
    .option('--profile <profile>', 'AWS named profile');
}

/** Options of the commands that run the pipeline here (simulate, local). */
function withLocalPipeline(command: Command): Command {
  return command
    .option(
      '--config <file>',
      'cdk.json whose "voiso-sec" context configures the pipeline (default: ./cdk.json if present)',
    )
    .option(
      '--detection-config <file>',
      'detection settings JSON (threshold, overrides, suppressions); replaces those of --config',
    )
    .addOption(
      // For tests and demos of retries and the DLQ; not a user feature.
      new Option(
        '--inject-faults <spec>',
        'make the store fail: store:<text>[:<times>]',
      ).hideHelp(),
    );
}

/**
 * Commander's own errors (`error: unknown option '--x'`) in the CLI's format, one line:
 * `voiso-sec: unknown option '--x'; did you mean --y? (see voiso-sec query --help)`.
 */
function errorOutput(commandPath: string) {
  return {
    writeErr: (text: string) => process.stderr.write(text),
    outputError: (text: string, write: (text: string) => void) => {
      const message = text
        .replace(/^error: /, '')
        .replace(/\s*\(Did you mean (.*)\)/, '; did you mean $1')
        .replace(/\s+/g, ' ')
        .trim();
      write(`voiso-sec: ${message} (see ${commandPath} --help)\n`);
    },
  };
}

/** `--callcenter ''` would query a call center nobody has: an empty value is a mistake. */
function rejectEmptyValues(command: Command): void {
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    if (typeof value === 'string' && value.trim() === '') {
      throw new UsageError(`${option.long ?? option.flags}: must not be empty`);
    }
  }
}

function registerSimulate(program: Command): void {
  withLocalPipeline(
    program
      .command('simulate')
      .description(
        'Run the whole pipeline on local emulators over a file of messages and report what happened',
      )
      .requiredOption('--input <file>', 'one SQS message body per line; - for standard input')
      .option('--json', 'print the result as one JSON document')
      .option('--raw', 'send the lines as they are (no JSON Lines check, byte order mark kept)')
      .option('--wide', 'table: every column and every character, whatever the terminal width')
      .option('--visibility-timeout <seconds>', 'seconds before a failed message is retried', '2'),
  )
    .addHelpText(
      'after',
      examples(
        'voiso-sec simulate --input examples/voiso-events.jsonl',
        'voiso-sec simulate --input examples/voiso-events.jsonl --json | jq .summary',
        'voiso-sec simulate --input examples/voiso-events.jsonl --json | jq .alerts',
        'voiso-sec simulate --input examples/voiso-events.jsonl --detection-config examples/detection-config.json',
        'cat events.jsonl | voiso-sec simulate --input - --json',
        'voiso-sec simulate --input events.jsonl --config ../deploy/cdk.json',
      ) + CONFIGURATION_NOTE,
    )
    .action(async (options) => {
      const result = await runSimulation(options, warn);
      const width = terminalWidth();
      out(
        options.json
          ? terminalSafeJson(result)
          : formatSimulation(result, {
              ...(width !== undefined && { width }),
              wide: !!options.wide,
            }),
      );
    });
}

function registerLocal(program: Command): void {
  withLocalPipeline(
    program
      .command('local')
      .description(
        'Keep the pipeline running locally: any SQS client can send to it; alerts print as they fire',
      )
      .option('--data-dir <dir>', 'keep the table on disk in this directory')
      .option(
        '--slack-webhook-file <path>',
        `also post alerts to the Slack incoming webhook whose URL is in this file (or set ${SLACK_WEBHOOK_ENV})`,
      )
      .option(
        '--slack-webhook <url>',
        'the same with the URL itself (it stays in your shell history: prefer the two above)',
      )
      .option('--sqs-port <port>', 'SQS endpoint port (default: any free port)')
      .option('--dynamodb-port <port>', 'DynamoDB endpoint port (default: any free port)')
      .option(
        '--visibility-timeout <seconds>',
        'seconds before a failed message is retried (default: as deployed)',
      )
      .option('--quiet', 'no line per batch (stored, duplicates, quarantined, retried, DLQ)'),
  )
    .addHelpText(
      'after',
      examples(
        'voiso-sec local',
        'voiso-sec local --data-dir .voiso-sec/data --sqs-port 9324',
        `${SLACK_WEBHOOK_ENV}=$(cat ~/.voiso-sec/slack-webhook) voiso-sec local`,
        'voiso-sec local --slack-webhook-file ~/.voiso-sec/slack-webhook',
        'voiso-sec local --config ../deploy/cdk.json --detection-config try-suppressions.json',
      ) +
        CONFIGURATION_NOTE +
        '\nOne pipeline per state directory (.voiso-sec/, or $VOISO_SEC_HOME): a second `local`\n' +
        'is refused while the first runs; give it its own VOISO_SEC_HOME to run both.\n',
    )
    .action(async (options) => runLocal(options, out, err));
}

function registerSend(program: Command): void {
  withAws(
    program
      .command('send')
      .description('Send sample events or a file of messages to the events queue')
      .option('--sample <which>', 'all, or one type/event such as app_login/incorrect_password')
      .option('--file <file>', 'one message body per line (JSON Lines); - for standard input')
      .option('--raw', 'send the lines as they are (no JSON Lines check, byte order mark kept)')
      .option('--callcenter <name>', 'call center for samples', 'acme')
      .option('--queue-url <url>', 'send to this queue instead of the stack’s')
      .option('--local', 'send to the running `voiso-sec local` pipeline')
      .option('--endpoint <url>', 'SQS endpoint override'),
  )
    .addHelpText(
      'after',
      examples(
        'voiso-sec send --sample all --local',
        'voiso-sec send --sample user/privileges_updated --stack VoisoSec --region eu-west-1',
        'voiso-sec send --file events.jsonl --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/q',
      ),
    )
    .action(async (options) => runSend(options, out, warn));
}

function registerQuery(program: Command): void {
  withAws(
    program
      .command('query')
      .description('Audit queries over stored events (time range, user, type/event, severity)')
      .option('--callcenter <name>', 'events of one call center')
      .option('--since <duration>', 'from this long ago until now: 30m, 24h, 7d, 2w (default 24h)')
      .option('--from <time>', 'start of the range (ISO-8601)')
      .option('--to <time>', 'end of the range (ISO-8601, default now)')
      .option('--user <email>', 'events about or by this user (case-sensitive: as Voiso sent it)')
      .option('--type <type>', 'event type (with --event)')
      .option('--event <event>', 'event name (with --type)')
      .option('--severity <level>', 'at or above: info, low, medium, high, critical')
      .option(
        '--ip <address-or-cidr>',
        'events whose ip, from or to is this address or lies in (or contains) this range',
      )
      .option('--quarantined', 'list quarantined (malformed) messages instead of events')
      .option('--incidents', 'list incidents (detections over several events) instead of events')
      .option('--output <format>', 'table, json or csv (default: table on a terminal, else json)')
      .option('--wide', 'table: every column and every character, whatever the terminal width')
      .option('--limit <n>', 'at most this many rows', '1000')
      .option('--table <name>', 'table name instead of the stack’s')
      .option('--local', 'query the running `voiso-sec local` pipeline')
      .option('--endpoint <url>', 'DynamoDB endpoint override'),
  )
    .addHelpText(
      'after',
      examples(
        'voiso-sec query --since 24h --severity high',
        'voiso-sec query --callcenter acme --from 2025-01-01T00:00:00Z --to 2025-02-01T00:00:00Z --output csv',
        'voiso-sec query --user maria.lopez@example.com --since 7d',
        'voiso-sec query --type app_login --event ip_changed --since 30d --wide',
        'voiso-sec query --type allowed_ip --event ip_added --since 30d --output json',
        'voiso-sec query --quarantined --since 7d --local',
        'voiso-sec query --ip 198.51.100.23 --since 30d',
        'voiso-sec query --ip 203.0.113.0/24 --callcenter acme --since 90d --output csv',
        'voiso-sec query --incidents --since 30d --severity critical',
      ) +
        '\n--user matches the address exactly as Voiso sent it (case-sensitive): query the\n' +
        'spelling Voiso uses, e.g. as shown in `voiso-sec query --since 7d`.\n' +
        'The table fits the terminal, dropping the least useful columns first; --wide shows all.\n' +
        '--ip reads the five pairs that carry addresses (byPairSeverity index) and keeps events whose ip,\n' +
        'from or to overlaps the address or range: an address in the range, a range inside it, or a\n' +
        'range that contains it (an allow-list entry that lets the address in).\n' +
        '--incidents reads the incidents by the month they began (INCIDENTS#<yyyy-mm>); it takes\n' +
        '--callcenter and --severity.\n',
    )
    .action(async (options) => {
      const result = await runQuery(options);
      out(formatQuery(result, options));
      if (result.truncated)
        err(`(showing the first ${plural(result.items.length, 'item')}; raise --limit for more)`);
    });
}

function registerConnectionInfo(program: Command): void {
  withAws(
    program
      .command('connection-info')
      .description(
        "Print the SQS URL, access key ID and secret to paste into Voiso's integration page",
      )
      .option('--local', 'the running `voiso-sec local` pipeline: endpoint, queue, test keys')
      .option('--json', 'print as JSON (the secret only with --reveal)')
      .option('--reveal', 'print the secret access key too (hidden by default)'),
  )
    .addHelpText(
      'after',
      examples(
        'voiso-sec connection-info --stack VoisoSec --region eu-west-1',
        'voiso-sec connection-info --reveal        # when you are about to paste the secret',
        'voiso-sec connection-info --local',
      ) +
        '\nThe secret access key is hidden unless --reveal is given: printed, it stays in scrollback,\n' +
        'screen shares and CI logs.\n',
    )
    .action(async (options) => {
      const info = options.local ? localConnectionInfo() : await connectionInfo(options);
      // The local pipeline's test keys are not secret; a deployed stack's are.
      const reveal = Boolean(options.reveal) || Boolean(options.local);
      out(
        options.json
          ? terminalSafeJson(connectionInfoDocument(info, reveal))
          : formatConnectionInfo(info, reveal),
      );
    });
}

function registerRedrive(program: Command): void {
  withAws(
    program
      .command('redrive')
      .description('Move dead-lettered messages back to the events queue for another try')
      .option('--no-wait', 'start the move and return without following it')
      .option('--local', 'redrive the running `voiso-sec local` pipeline')
      .option('--endpoint <url>', 'SQS endpoint override'),
  )
    .addHelpText(
      'after',
      examples('voiso-sec redrive --stack VoisoSec', 'voiso-sec redrive --local'),
    )
    .action(async (options) => runRedrive(options, out));
}

function registerRules(program: Command): void {
  program
    .command('rules')
    .description(
      'Print the effective rule set: single-event rules, overrides, detections, threshold, folding, suppressions',
    )
    .option(
      '--config <file>',
      'a cdk.json ("voiso-sec" context) or a detection settings JSON (default: ./cdk.json if present)',
    )
    .option('--json', 'print the rule set as one JSON document')
    .addHelpText(
      'after',
      examples(
        'voiso-sec rules',
        'voiso-sec rules --config ../deploy/cdk.json',
        'voiso-sec rules --config examples/detection-config.json --json | jq .detections',
      ) +
        '\nA pair in severityOverrides or a suppression that is not one of the 12 documented Voiso\n' +
        'events is listed under Warnings, with the documented pair it was probably meant to be.\n',
    )
    .action((options) => {
      const set = runRules(options);
      out(options.json ? terminalSafeJson(set) : formatRules(set, terminalWidth() ?? 120));
    });
}

function registerBacktest(program: Command): void {
  withAws(
    program
      .command('backtest')
      .description(
        'Replay past events through the rules and detections (the Lambda engine): the incidents and alerts that would have gone out; writes and publishes nothing',
      )
      .option(
        '--input <file>',
        'a JSON Lines file of Voiso events (one message body per line); - for standard input',
      )
      .option('--local', 'the running `voiso-sec local` pipeline’s table')
      .option('--table <name>', 'table name instead of the stack’s')
      .option('--endpoint <url>', 'DynamoDB endpoint override')
      .option(
        '--since <duration>',
        `events from this long ago until now (default ${DEFAULT_BACKTEST_SINCE}; a file: every line)`,
      )
      .option('--from <time>', 'start of the range (ISO-8601)')
      .option('--to <time>', 'end of the range (ISO-8601, default now)')
      .option(
        '--config <file>',
        'configuration under test: a cdk.json or a detection settings JSON (default: ./cdk.json if present)',
      )
      .option('--compare <file>', 'a second configuration: the alerts it would add and remove')
      .option('--json', 'print { incidents, alerts: { byRule, byDay, total }, compare } as JSON'),
  )
    .addHelpText(
      'after',
      examples(
        'voiso-sec backtest --input examples/attack-timeline.jsonl',
        'voiso-sec backtest --stack VoisoSec --since 30d --compare tuned-cdk.json',
        'voiso-sec backtest --local --since 7d --json | jq .alerts.byRule',
        'voiso-sec backtest --input events.jsonl --config cdk.json --compare try.json --json | jq .compare',
      ) +
        '\nThe replay runs the same code as the ingest function: the single-event rules with the\n' +
        'configuration under test, the detections over the events in batches of 100 with each\n' +
        "group's state carried between batches, and folding. It takes every event as arriving at\n" +
        'its own time, in time order: detections use event time anyway; folding (how often people\n' +
        'are told) then gives the summaries a stream arriving in real time would have produced.\n' +
        'A table is read with parallel queries per call center and time slice; the call centers are\n' +
        "found from the table's registry of call centers. Alerts are counted once each (a\n" +
        'critical one also goes to the critical topic).\n',
    )
    .action(async (options) => {
      const backtest = await runBacktest(options, warn);
      out(
        options.json
          ? terminalSafeJson(backtest.document)
          : formatBacktest(
              backtest.result,
              backtest.comparison,
              backtest.context,
              backtest.compared,
            ),
      );
    });
}

function registerExplain(program: Command): void {
  withAws(
    program
      .command('explain')
      .description(
        'Why an event or an incident alerted (or did not): rules, thresholds, suppressions, detections and the alerts that went out',
      )
      .argument('<id>', 'an event id (eventId in query --output json) or an incident id (inc-...)')
      .option('--callcenter <name>', 'the event’s call center: search its partition only')
      .option(
        '--since <duration>',
        `how far back to search for an event or incident that has no alert record (default ${DEFAULT_EXPLAIN_SINCE})`,
      )
      .option('--from <time>', 'start of the search range (ISO-8601)')
      .option('--to <time>', 'end of the search range (ISO-8601, default now)')
      .option(
        '--config <file>',
        'judge with this configuration (default: the deployed or local one, else ./cdk.json)',
      )
      .option('--local', 'the running `voiso-sec local` pipeline')
      .option('--table <name>', 'table name instead of the stack’s')
      .option('--endpoint <url>', 'DynamoDB endpoint override')
      .option('--json', 'print the explanation as one JSON document'),
  )
    .addHelpText(
      'after',
      examples(
        'voiso-sec explain inc-WD7KEXo2q3cErBM8aqLf_G',
        'voiso-sec explain 8xDpbKKVqtEbT0cPyHnWfA --local',
        'voiso-sec explain 8xDpbKKVqtEbT0cPyHnWfA --callcenter acme --since 90d',
        'voiso-sec explain inc-WD7KEXo2q3cErBM8aqLf_G --json | jq .events',
      ) +
        '\nFinding the item: an alerted or folded event, and an alerted incident, have an alert\n' +
        'record (ALERT#<id>) that names their key: one read, whatever their age. Any other event is\n' +
        'looked for by its id in the sort keys of the range (--since, default 30d): in its call\n' +
        "center's partition with --callcenter (fastest), else in every call center's partition\n" +
        "(the table's registry names them), keys only. Any other incident is looked for in the\n" +
        'months of the range.\n' +
        'Rules are judged again with the configuration in use (the deployed function’s\n' +
        'DETECTION_CONFIG, the local pipeline’s, or --config), beside what was stored.\n',
    )
    .action(async (id: string, options) => {
      const explanation = await runExplain(id, options);
      out(options.json ? terminalSafeJson(explanation) : formatExplanation(explanation));
    });
}

function registerStatus(program: Command): void {
  withAws(
    program
      .command('status')
      .description(
        'Is the deployment healthy end to end, and is anyone receiving its alerts? Exit 0 healthy, 1 a problem found',
      )
      .option('--local', 'the running `voiso-sec local` pipeline (queues, table, newest event)')
      .option('--json', 'print the checks as one JSON document'),
  )
    .addHelpText(
      'after',
      examples(
        'voiso-sec status',
        'voiso-sec status --stack VoisoSecStaging --region eu-west-1',
        'voiso-sec status --json | jq -r \'.checks[] | select(.level != "ok") | .summary\'',
        'voiso-sec status --local',
      ) +
        '\nChecks: the stack and its configuration (the ingest function’s DETECTION_CONFIG), each\n' +
        "topic's subscribers (none, or e-mail still pending confirmation, is a problem), the last\n" +
        'message sent to the queue, queue and dead-letter depths and oldest ages, alarms in ALARM,\n' +
        "messages quarantined in the last 24 h, and the age of Voiso's active access key and whether\n" +
        'a previous key is still active. Exit 0: no problem (warnings allowed); 1: a problem found,\n' +
        'or a check could not run (a denied call); 2: a usage mistake (unknown stack, no credentials).\n' +
        'Reads only: cloudformation:DescribeStacks, ListStackResources; lambda:GetFunctionConfiguration;\n' +
        'sns:ListSubscriptionsByTopic; sqs:GetQueueAttributes; cloudwatch:GetMetricData, DescribeAlarms;\n' +
        'dynamodb:Query; iam:ListAccessKeys, GetAccessKeyLastUsed.\n',
    )
    .action(async (options) => {
      const status = options.local ? await localStatus() : await deployedStatus(options);
      out(options.json ? terminalSafeJson(status) : formatStatus(status));
      if (!status.healthy) {
        throw new CommandFailure(
          `${plural(status.problems.length, 'problem')} found: ${status.problems.join('; ')}`,
        );
      }
    });
}

export function buildProgram(): Command {
  const program = new Command('voiso-sec')
    .description("Receive, store and alert on Voiso's security event stream")
    .option('--debug', 'print stack traces for errors')
    .exitOverride()
    .configureOutput(errorOutput('voiso-sec'));
  registerSimulate(program);
  registerLocal(program);
  registerSend(program);
  registerQuery(program);
  registerConnectionInfo(program);
  registerRedrive(program);
  registerRules(program);
  registerBacktest(program);
  registerExplain(program);
  registerStatus(program);
  for (const command of program.commands) {
    command.configureOutput(errorOutput(`voiso-sec ${command.name()}`));
  }
  program.hook('preAction', (_, command) => rejectEmptyValues(command));
  return program;
}

/** One line on stderr for any error, and the exit code it deserves. */
function report(error: unknown, debug: boolean): number {
  if (debug && error instanceof Error) err(error.stack ?? error.message);
  if (error instanceof UsageError) {
    err(`voiso-sec: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof CommandFailure) {
    err(`voiso-sec: ${error.message}`);
    return EXIT.failure;
  }
  const setup = describeAwsSetupError(error);
  if (setup !== undefined) {
    err(`voiso-sec: ${setup}`);
    return EXIT.usage;
  }
  // The command was right; the endpoint did not answer: a runtime failure, not a usage error.
  const unreachable = describeConnectionError(error);
  if (unreachable !== undefined) {
    err(`voiso-sec: ${unreachable}`);
    return EXIT.failure;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  err(`voiso-sec: ${message}${debug ? '' : ' (run with --debug for details)'}`);
  return EXIT.failure;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  // An error thrown where no command awaits it (an emulator's callback) still gets one line;
  // a reader that went away (`| head`) is no error at all.
  const crash = (error: unknown) =>
    process.exit((error as { code?: unknown }).code === 'EPIPE' ? EXIT.ok : report(error, debug));
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return report(error, debug);
  }
}
