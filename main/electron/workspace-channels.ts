// Names shared by the workspace view's main side (workspace-view.ts) and its preload
// (workspace-preload.ts). No imports: the sandboxed preload bundle inlines this file (issue 12).

/** The host page's own scheme, served only inside a workspace partition (never the app:// origin). */
export const WORKSPACE_SCHEME = 'patchbay-workspace';
export const WORKSPACE_HOST_ORIGIN = `${WORKSPACE_SCHEME}://host`;
export const WORKSPACE_HOST_URL = `${WORKSPACE_HOST_ORIGIN}/`;
/** Preload → main: {origin, fromComponentFrame, data} of every message the host page receives. */
export const WORKSPACE_MESSAGE_CHANNEL = 'patchbay-workspace:message';
/** Main → preload: {message, targetOrigin} to post to the component frame. */
export const WORKSPACE_POST_CHANNEL = 'patchbay-workspace:post';
/** The id of the component's iframe in the host page. */
export const WORKSPACE_FRAME_ID = 'component';
/** A component message larger than this (JSON characters) is dropped, by the preload and again by main. */
export const WORKSPACE_MAX_MESSAGE_CHARS = 64 * 1024;
