/**
 * The catalog's values: service instances (plain services and connect-proxy sidecars), their health
 * checks and maintenance marks. Each record validates itself in its compact constructor and reports
 * every problem at once.
 */
package io.cairn.registry.model;
