/** Capturing what a class logs in unit tests (Logback, the logging back end Cairn ships). */
package io.cairn.testfixtures.logging;
