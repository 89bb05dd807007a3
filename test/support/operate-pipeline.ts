// A local pipeline in this process, fed a file of messages and drained, registered as the running
// `voiso-sec local` (its state file, in a directory of its own) so that the commands' `--local`
// paths can be called as functions: the real handler, dynalite and local-aws-sqs underneath.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localResources, queueDepth } from '../../cli/local/emulators';
import { type LocalPipeline, startPipeline } from '../../cli/local/pipeline';
import { clearLocalState, writeLocalState } from '../../cli/local/state';
import { bodiesFromLines, sendBodies } from '../../cli/send-messages';
import { sleep } from '../../cli/terminal';
import type { DetectionSettings } from '../../contract/config';
import { DEFAULT_INGEST_CONFIG } from '../../lambda/ingest/config';

export interface OperatePipeline {
  readonly pipeline: LocalPipeline;
  /** The state directory the pipeline is registered in (VOISO_SEC_HOME while it runs). */
  readonly home: string;
  /** Sends more bodies and waits until they are processed. */
  send(bodies: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

async function drained(pipeline: LocalPipeline): Promise<void> {
  const { sqs, queueUrl } = pipeline.emulators;
  let quiet = 0;
  while (quiet < 2) {
    const depth = await queueDepth(sqs, queueUrl);
    const idle =
      depth.visible === 0 && depth.inFlight === 0 && depth.delayed === 0 && !pipeline.poller.active;
    quiet = idle ? quiet + 1 : 0;
    await sleep(100);
  }
}

export const exampleBodies = (file: string): string[] =>
  bodiesFromLines(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8'));

export async function startOperatePipeline(
  bodies: readonly string[],
  detection: DetectionSettings = DEFAULT_INGEST_CONFIG.detection,
): Promise<OperatePipeline> {
  const home = mkdtempSync(join(tmpdir(), 'voiso-sec-operate-'));
  const previousHome = process.env.VOISO_SEC_HOME;
  process.env.VOISO_SEC_HOME = home;
  const pipeline = await startPipeline({
    visibilityTimeoutSeconds: 1,
    config: { ...DEFAULT_INGEST_CONFIG, detection },
  });
  const { emulators } = pipeline;
  writeLocalState({
    pid: process.pid,
    ...localResources(emulators),
    detection,
    configuration: 'the test pipeline',
  });
  const send = async (more: readonly string[]) => {
    await sendBodies(emulators.sqs, emulators.queueUrl, more, () => {});
    await drained(pipeline);
    // As the scheduled flush does once the windows have closed: summaries go out.
    await pipeline.flush({ closeAll: true });
  };
  await send(bodies);
  return {
    pipeline,
    home,
    send,
    async stop() {
      clearLocalState();
      await pipeline.stop();
      if (previousHome === undefined) delete process.env.VOISO_SEC_HOME;
      else process.env.VOISO_SEC_HOME = previousHome;
    },
  };
}
