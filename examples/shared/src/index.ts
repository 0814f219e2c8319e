export { bootstrap, type Example } from './bootstrap.js'
export { exitOnStartFailure, printListening, stopOnSignal } from './lifecycle.js'
