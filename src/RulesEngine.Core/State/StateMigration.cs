namespace RulesEngine.Core.State;

/// <summary>One numbered change to a store's schema. A store applies, in order, the migrations newer than the
/// version it finds, each in one transaction with the row that records it.</summary>
/// <typeparam name="TTarget">What the change runs against (the store, or its open connection).</typeparam>
internal sealed record StateMigration<TTarget>(int Version, string Description, Action<TTarget> Apply);
