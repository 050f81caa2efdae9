using Cumin.Grains.Persistence;
using Cumin.Labels;
using Cumin.Live;
using Cumin.Projects;

namespace Cumin.Grains.Projects;

/// <summary>
/// The project's labels (at most <see cref="ProjectLimits.LabelsMax"/>, names unique regardless of case), one item of the
/// labels table read on first use. Every change tells the watching task grains the new context; a deleted label is
/// gone from every task as every reader shows it at once, and from the stored tasks one write each, just after.
/// </summary>
public sealed partial class ProjectGrain
{
    public async Task<Reply<IReadOnlyList<Label>>> ListLabels(string callerId)
    {
        if (Check(callerId, ProjectAction.ViewLabels) is { } denied)
        {
            return denied.As<IReadOnlyList<Label>>();
        }

        await Labels.LoadAsync();
        return Reply<IReadOnlyList<Label>>.Ok(Labels.State.Labels
            .OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(l => l.Name, StringComparer.Ordinal)
            .Select(ToLabel)
            .ToList());
    }

    public async Task<Reply<Label>> CreateLabel(string callerId, string name, string color)
    {
        if (Check(callerId, ProjectAction.ManageLabels) is { } denied)
        {
            return denied.As<Label>();
        }

        if (DomainRules.CheckLabel(name, color) is { } problem)
        {
            return Reply<Label>.Fail(Outcome.Invalid, problem);
        }

        await Labels.LoadAsync();
        var labels = Labels.State;
        if (NameTaken(name, null) is { } taken)
        {
            return taken;
        }

        if (labels.Labels.Count >= ProjectLimits.LabelsMax)
        {
            return Reply<Label>.Limit($"a project has at most {ProjectLimits.LabelsMax} labels");
        }

        var now = timeProvider.GetUtcNow();
        var label = new LabelState { Id = _ids.Next(), Name = name, Color = color, CreatedAt = now, CreatedBy = callerId, UpdatedAt = now, UpdatedBy = callerId };
        labels.Labels.Add(label);
        await WriteLabelsAsync(callerId, undo: () => labels.Labels.Remove(label));
        Publish(ProjectEventTypes.LabelCreated, callerId, ToLabel(label));
        await ContextChangedAsync();
        return Reply<Label>.Ok(ToLabel(label));
    }

    public async Task<Reply<Label>> UpdateLabel(string callerId, string labelId, LabelPatch patch)
    {
        if (Check(callerId, ProjectAction.ManageLabels) is { } denied)
        {
            return denied.As<Label>();
        }

        if (DomainRules.CheckLabelPatch(patch) is { } problem)
        {
            return Reply<Label>.Fail(Outcome.Invalid, problem);
        }

        await Labels.LoadAsync();
        if (Labels.State.Labels.Find(l => l.Id == labelId) is not { } label)
        {
            return NotFound<Label>("label not found");
        }

        if (patch.Name is { } name && NameTaken(name, labelId) is { } taken)
        {
            return taken;
        }

        var (oldName, oldColor) = (label.Name, label.Color);
        if ((patch.Name ?? oldName) != oldName || (patch.Color ?? oldColor) != oldColor)
        {
            label.Name = patch.Name ?? oldName;
            label.Color = patch.Color ?? oldColor;
            label.UpdatedAt = timeProvider.GetUtcNow();
            label.UpdatedBy = callerId;
            await WriteLabelsAsync(callerId, undo: () => (label.Name, label.Color) = (oldName, oldColor));
            Publish(ProjectEventTypes.LabelUpdated, callerId, ToLabel(label));
        }

        return Reply<Label>.Ok(ToLabel(label));
    }

    public async Task<Reply<bool>> DeleteLabel(string callerId, string labelId)
    {
        if (Check(callerId, ProjectAction.ManageLabels) is { } denied)
        {
            return denied;
        }

        await Labels.LoadAsync();
        var labels = Labels.State.Labels;
        var index = labels.FindIndex(l => l.Id == labelId);
        if (index < 0)
        {
            return NotFound<bool>("label not found");
        }

        var label = labels[index];
        labels.RemoveAt(index);
        await WriteLabelsAsync(callerId, undo: () => labels.Insert(index, label));
        // Before the repairs: a watcher drops the label first, then sees each task stored without it.
        Publish(ProjectEventTypes.LabelDeleted, callerId, new LabelDeleted(labelId));
        await ContextChangedAsync();
        await RepairAsync(board => board.RemoveLabel(labelId), callerId);
        return Reply<bool>.Ok(true);
    }

    private Reply<Label>? NameTaken(string name, string? exceptId) =>
        Labels.State.Labels.Any(l => l.Id != exceptId && string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
            ? Reply<Label>.Fail(Outcome.Conflict, "a label with this name exists in the project (names are unique regardless of case)")
            : null;

    /// <summary>Stores the labels; memory goes back (<paramref name="undo"/>) if the write fails, and the activation with it.</summary>
    private async Task WriteLabelsAsync(string actorId, Action undo)
    {
        var labels = Labels.State;
        labels.UpdatedAt = timeProvider.GetUtcNow();
        labels.UpdatedBy = actorId;
        try
        {
            await Labels.WriteOrDeactivateAsync(this);
        }
        catch
        {
            undo();
            throw;
        }
    }

    private Label ToLabel(LabelState label) => new(label.Id, Id, label.Name, label.Color);
}
