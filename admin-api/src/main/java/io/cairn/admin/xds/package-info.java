/** {@code /v1/xds}: what the xDS server reports about its clients, for operators and the UI. */
package io.cairn.admin.xds;
