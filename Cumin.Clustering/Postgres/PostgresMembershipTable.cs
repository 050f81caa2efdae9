using Orleans;
using Orleans.Runtime;

namespace Cumin.Clustering.Postgres;

/// <summary>
/// Orleans's ADO.NET membership table, preceded by our schema: the table, its functions and the named queries are
/// ensured before Orleans first reads <c>OrleansQuery</c>, whichever silo or client comes first.
/// Everything else is the provider's own behaviour.
/// </summary>
internal sealed class PostgresMembershipTable(IMembershipTable inner, PostgresClusteringSchema schema, TimeSpan schemaRetryTime) : IMembershipTable
{
    private IMembershipTable Inner => inner;

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        await schema.EnsureAsync(schemaRetryTime, cancellationToken);
        await Inner.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken);
    }

    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion);

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default) =>
        Inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId);

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default) =>
        Inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate);

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default) =>
        Inner.ReadRowAsync(key, cancellationToken);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key);

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default) => Inner.ReadAllAsync(cancellationToken);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync();

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default) =>
        Inner.InsertRowAsync(entry, tableVersion, cancellationToken);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion);

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default) =>
        Inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion);

    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default) =>
        Inner.UpdateIAmAliveAsync(entry, cancellationToken);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry);
}
