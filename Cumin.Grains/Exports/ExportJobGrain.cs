using Cumin.Exports;
using Cumin.ServiceDefaults;

namespace Cumin.Grains.Exports;

/// <summary>
/// One export job. The grain creates the pending item and nothing else: the exporter is the only writer after that,
/// so every read goes back to DynamoDB (one consistent GetItem) instead of trusting the activation's copy.
/// </summary>
/// <remarks>
/// Two writers of one item would need both to honour the storage's numeric <c>etag</c>. The exporter does bump it
/// (so a grain write after creation would fail as a conflict instead of undoing the exporter's work), but the simpler
/// guarantee is that this grain never writes after <see cref="Create"/>.
/// </remarks>
public sealed class ExportJobGrain(
    [PersistentState("export", StorageNames.Grains)] IPersistentState<ExportJobState> state,
    TimeProvider timeProvider) : Grain, IExportJobGrain
{
    public async Task<Reply<ExportView>> Create(string projectId)
    {
        if (state.RecordExists)
        {
            return Reply<ExportView>.Fail(Outcome.Conflict, "an export with this id exists");
        }

        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        state.State = new ExportJobState
        {
            Id = key[(slash + 1)..],
            UserId = key[..slash],
            ProjectId = projectId,
            Status = ExportStatus.Pending,
            CreatedAt = timeProvider.GetUtcNow(),
            TraceParent = CuminTelemetry.CurrentTraceParent(),
        };
        try
        {
            // Conditional on no item being there: the INSERT stream record that starts the exporter happens once.
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        return Reply<ExportView>.Ok(state.State.ToView());
    }

    public async Task<ExportView?> Get()
    {
        await state.ReadStateAsync();
        if (!state.RecordExists)
        {
            // A made-up export id is a 404 and must keep nothing (issue 12, finding 8).
            DeactivateOnIdle();
            return null;
        }

        return state.State.ToView();
    }
}
