/**
 * Server settings: every setting has a dash-case key in the YAML config file, a {@code --flag} and
 * a {@code CAIRN_*} environment variable; flags beat the environment, which beats the file, which
 * beats the defaults.
 */
package io.cairn.server.config;
