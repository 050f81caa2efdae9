using Orleans.Storage;

namespace Cumin.Grains.Persistence;

/// <summary>
/// A grain state read on first use rather than on activation: through the same storage provider as
/// <c>[PersistentState]</c> (same item shape, same etag concurrency), for state that most calls to the grain never need.
/// A project's labels are one: listing a user's thousand projects activates a thousand project grains that never look
/// at their labels, and each would otherwise cost a second read.
/// </summary>
internal sealed class LazyState<T>(IGrainStorage storage, string stateName, GrainId grainId)
    where T : new()
{
    private readonly GrainState<T> _state = new(new T());
    private Task? _loading;

    public bool IsLoaded => _loading is { IsCompletedSuccessfully: true };

    public T State => IsLoaded ? _state.State! : throw new InvalidOperationException($"state '{stateName}' is not loaded");

    public bool RecordExists => _state.RecordExists;

    /// <summary>Reads the state once; concurrent callers (interleaving calls) share the one read, a failed read is retried next time.</summary>
    public Task LoadAsync() => _loading is { IsFaulted: false, IsCanceled: false } loading ? loading : _loading = ReadAsync();

    public Task WriteOrDeactivateAsync(IGrainBase grain) => OrDeactivateAsync(() => storage.WriteStateAsync(stateName, grainId, _state), grain);

    public Task ClearOrDeactivateAsync(IGrainBase grain) => OrDeactivateAsync(() => storage.ClearStateAsync(stateName, grainId, _state), grain);

    private async Task ReadAsync()
    {
        await storage.ReadStateAsync(stateName, grainId, _state);
        _state.State ??= new T();
    }

    private static async Task OrDeactivateAsync(Func<Task> operation, IGrainBase grain)
    {
        try
        {
            await operation();
        }
        catch
        {
            // As WriteOrDeactivateAsync: the write may have landed, so memory is not trusted after it.
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
