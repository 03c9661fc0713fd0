package io.cairn.registry.command;

/** A write to the registry. */
public sealed interface Command
    permits RegisterInstance,
        DeregisterInstance,
        SetMaintenance,
        RegisterCheck,
        DeregisterCheck,
        UpdateCheck,
        PutConfigEntry,
        DeleteConfigEntry,
        PutAclPolicy,
        DeleteAclPolicy,
        PutAclToken,
        DeleteAclToken,
        BootstrapAcl,
        KvSet,
        KvDelete,
        KvTxn,
        KvLock,
        CreateSession,
        DestroySession,
        RenewSession,
        CatalogRegister,
        CatalogDeregister,
        PutCa {}
