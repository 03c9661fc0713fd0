/** Building xDS snapshots from registry snapshots, with content-derived versions. */
package io.cairn.xds.cache;
