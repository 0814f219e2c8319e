// `pnpm test:mutation`: runs Stryker (stryker.config.mjs) on the security-critical core files.
// Stryker 10 declares Node >= 22 and refuses older versions when its CLI module loads; the
// repository supports Node >= 20.16, where Stryker runs correctly. So the version check alone is
// passed by showing Stryker the version it asks for while its module loads, then restored.
// Arguments are Stryker's own (`pnpm test:mutation --concurrency 4`, `--force` for a full run).
const actual = Object.getOwnPropertyDescriptor(process, 'version')
const major = Number(process.versions.node.split('.')[0])
if (major < 22) Object.defineProperty(process, 'version', { ...actual, value: 'v22.0.0' })
const { StrykerCli } = await import('@stryker-mutator/core')
Object.defineProperty(process, 'version', actual)
new StrykerCli(['node', 'stryker', 'run', ...process.argv.slice(2)]).run()
