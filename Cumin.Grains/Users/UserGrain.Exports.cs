using Cumin.Exports;
using Cumin.Grains.Exports;
using Cumin.Grains.Persistence;
using Cumin.Projects;

namespace Cumin.Grains.Users;

/// <summary>The user's exports: started here (bounded per user), listed from the export catalog.</summary>
public sealed partial class UserGrain
{
    public async Task<Reply<ExportView>> StartExport(string projectId)
    {
        // GetRole interleaves, so asking the project from here cannot deadlock with a project calling this user.
        var role = state.RecordExists ? await GrainFactory.Of<IProjectGrain>(projectId).GetRole(Id) : null;
        if (Permissions.Deny<ExportView>(role, ProjectAction.StartExport) is { } denied)
        {
            return denied;
        }

        if (state.State.ActiveExports.Count >= ExportLimits.ActivePerUser && !await FreeExportPlacesAsync())
        {
            return Reply<ExportView>.Fail(
                Outcome.TooManyRequests, $"at most {ExportLimits.ActivePerUser} exports may be pending or running at once; retry when one has ended");
        }

        // The place is taken (and stored) before the job exists: the quota holds even if what follows fails.
        var exportId = SortableId.Shared.Next();
        var active = new ActiveExport { Id = exportId, CreatedAt = timeProvider.GetUtcNow() };
        state.State.ActiveExports.Add(active);
        await state.WriteOrDeactivateAsync(this);
        var created = await GrainFactory.Of<IExportJobGrain>(IExportJobGrain.KeyOf(Id, exportId)).Create(projectId);
        if (!created.IsOk)
        {
            state.State.ActiveExports.Remove(active);
            await state.WriteOrDeactivateAsync(this);
        }

        return created;
    }

    /// <summary>
    /// At the quota: asks the jobs table how the user's active exports stand, since their notifications may still be on
    /// their way (or lost). Ended ones give their place back; one dead past <see cref="ExportLimits.StaleAfter"/> is
    /// ended as failed and its owner told. True when a place is free.
    /// </summary>
    private async Task<bool> FreeExportPlacesAsync()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var active in state.State.ActiveExports.ToList())
        {
            var job = await exportCatalog.ExpireIfStaleAsync(Id, active.Id, now - ExportLimits.StaleAfter, now);
            if (job is null)
            {
                // Its creation failed after the place was taken: there is nothing to wait for.
                state.State.ActiveExports.Remove(active);
            }
            else if (job.Status is ExportStatus.Failed && job.CompletedAt == now)
            {
                // Expired just now: recorded as the exporter's failure would have been (which frees the place).
                await OnExportEndedAsync(new ExportEndedMessage(
                    ExportEndedMessage.Failed, Id, job.Id, job.ProjectId, null, null, null, job.Error), null);
            }
            else if (job.Status is ExportStatus.Done or ExportStatus.Failed)
            {
                state.State.ActiveExports.Remove(active);
            }
        }

        await state.WriteOrDeactivateAsync(this);
        return state.State.ActiveExports.Count < ExportLimits.ActivePerUser;
    }

    public async Task<IReadOnlyList<ExportView>> ListExports() =>
        state.RecordExists ? await exportCatalog.ListAsync(Id, ExportLimits.ListMax) : [];
}
