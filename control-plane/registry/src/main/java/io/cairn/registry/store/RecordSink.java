package io.cairn.registry.store;

/**
 * Takes stored records one at a time, as {@link RegistryStore#load(RecordSink)} reads them, so that
 * a restore never holds a second copy of the whole store.
 */
@FunctionalInterface
public interface RecordSink {
  /**
   * One stored record (see {@link StoredRecord}). {@code value} is the sink's to keep: the store
   * holds no reference to it.
   */
  void accept(String table, String key, long createIndex, long modifyIndex, byte[] value);
}
