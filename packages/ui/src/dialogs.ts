/**
 * The dialogs of `<keyward-api-keys>` (the key form, the one-time token, Activity and Usage),
 * loaded with a dynamic `import()` the first time one opens, so the page's first load is the
 * list alone. In the browser bundle this module and what only it needs are their own file
 * (`dist/keyward-ui-dialogs-….js`), fetched from beside `keyward-ui.js`.
 */
export { dialogRequest } from './lib/dialog-requests.js'
export { activityView } from './views/activity.js'
export { keyFormView } from './views/key-form.js'
export { tokenRevealView } from './views/token-reveal.js'
export { usageView } from './views/usage.js'
