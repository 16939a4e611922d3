namespace RulesEngine.Tests.Postgres;

/// <summary>
/// One PostgreSQL server per test assembly: every class marked <c>[Collection(PostgresCollection.Name)]</c> receives
/// the same <see cref="PostgresServer"/> in its constructor (classes in one collection run one after another).
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
