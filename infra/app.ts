import { createSesameApp } from './sesame-app.ts';

// `cdk synth` / `cdk deploy` entry (cdk.json: "npx tsx infra/app.ts"). Exits non-zero when synthesis
// fails, including on any cdk-nag error that has no written acknowledgement.
createSesameApp().synth();
