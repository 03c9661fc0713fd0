/**
 * The web UI: its static assets under {@code /ui} (committed files, no build step) and the two read
 * endpoints under {@code /v1/internal/ui} that it needs beyond Consul's API.
 */
package io.cairn.admin.ui;
