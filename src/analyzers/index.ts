import type { Analyzer } from '../analysis/types.js';
import { analyzers as annotationsAnalyzers } from './annotations/index.js';
import { analyzers as authAnalyzers } from './auth/index.js';
import { analyzers as authnAnalyzers } from './authn/index.js';
import { analyzers as conditionsAnalyzers } from './conditions/index.js';
import { analyzers as deploymentAnalyzers } from './deployment/index.js';
import { analyzers as deprecationAnalyzers } from './deprecation/index.js';
import { analyzers as destinationruleAnalyzers } from './destinationrule/index.js';
import { analyzers as envoyfilterAnalyzers } from './envoyfilter/index.js';
import { analyzers as externalcontrolplaneAnalyzers } from './externalcontrolplane/index.js';
import { analyzers as gatewayAnalyzers } from './gateway/index.js';
import { analyzers as injectionAnalyzers } from './injection/index.js';
import { analyzers as k8sgatewayAnalyzers } from './k8sgateway/index.js';
import { analyzers as meshnetworksAnalyzers } from './meshnetworks/index.js';
import { analyzers as serviceAnalyzers } from './service/index.js';
import { analyzers as serviceentryAnalyzers } from './serviceentry/index.js';
import { analyzers as servicesAnalyzers } from './services/index.js';
import { analyzers as sidecarAnalyzers } from './sidecar/index.js';
import { analyzers as telemetryAnalyzers } from './telemetry/index.js';
import { analyzers as virtualserviceAnalyzers } from './virtualservice/index.js';
import { analyzers as webhookAnalyzers } from './webhook/index.js';
import { analyzers as workloadAnalyzers } from './workload/index.js';
import { analyzers as schemaAnalyzers } from './schema/index.js';

/** Every analyzer `istio-ts analyze` runs, sorted by name (the explicit registry; no directory scanning). */
export const allAnalyzers: readonly Analyzer[] = [
  ...annotationsAnalyzers,
  ...authAnalyzers,
  ...authnAnalyzers,
  ...conditionsAnalyzers,
  ...deploymentAnalyzers,
  ...deprecationAnalyzers,
  ...destinationruleAnalyzers,
  ...envoyfilterAnalyzers,
  ...externalcontrolplaneAnalyzers,
  ...gatewayAnalyzers,
  ...injectionAnalyzers,
  ...k8sgatewayAnalyzers,
  ...meshnetworksAnalyzers,
  ...serviceAnalyzers,
  ...serviceentryAnalyzers,
  ...servicesAnalyzers,
  ...sidecarAnalyzers,
  ...telemetryAnalyzers,
  ...virtualserviceAnalyzers,
  ...webhookAnalyzers,
  ...workloadAnalyzers,
  ...schemaAnalyzers,
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

