/**
 * HTTP plumbing shared by every resource: JSON bodies, errors mapped to status codes with a
 * consistent JSON body, Consul's blocking queries, query parameters and the ACL write guard.
 */
package io.cairn.admin.http;
