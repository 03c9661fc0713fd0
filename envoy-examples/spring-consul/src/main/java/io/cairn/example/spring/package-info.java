/**
 * A Spring Boot application that uses Spring Cloud Consul for its configuration and discovery, with
 * nothing in it that knows about Cairn.
 */
package io.cairn.example.spring;
