/** The defaults of the stack config that depend on the target or the stage. */
import { IMAGES } from "../constants";
import type { ParsedConfig } from "./base";
import { defaultWorkers } from "./rules";

export function resolveDefaults(config: ParsedConfig) {
  const prod = config.stage === "prod";
  const { aws } = config;
  return {
    ...config,
    proxy: { ...config.proxy, workers: defaultWorkers(config) },
    tracing: {
      enabled: config.tracing.enabled ?? prod,
      collectorImage:
        config.tracing.collectorImage ?? (config.target === "aws" ? IMAGES.adotCollector : IMAGES.otelCollector),
    },
    aws: {
      ...aws,
      network: { ...aws.network, natGateways: aws.network.natGateways ?? (prod ? "perAz" : "single") },
      service: { ...aws.service, desiredCount: aws.service.desiredCount ?? aws.service.minCount },
      database: {
        ...aws.database,
        multiAz: aws.database.multiAz ?? prod,
        deletionProtection: aws.database.deletionProtection ?? prod,
        finalSnapshot: aws.database.finalSnapshot ?? prod,
        backupRetentionDays: aws.database.backupRetentionDays ?? (prod ? 7 : 1),
      },
    },
  };
}
