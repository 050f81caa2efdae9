using Orleans;
using Orleans.Runtime;

namespace Cumin.Orleans.DynamoDB.Tests.Grains;

public interface IStateGrain<T> : IGrain
{
    Task<StoredState<T>> Load();

    Task<string?> Save(T state);

    Task Clear();

    Task Deactivate();
}

/// <summary>State "task": compound key "{projectId}/{taskId}", table with sort key and stream, deleted on clear.</summary>
public interface ITaskStateGrain : IStateGrain<TaskRecord>, IGrainWithStringKey;

/// <summary>State "profile": table with partition key only, TTL written by the provider, kept on clear.</summary>
public interface IProfileGrain : IStateGrain<ProfileRecord>, IGrainWithGuidKey;

/// <summary>State "note": not mapped, so it goes to the default table.</summary>
public interface INoteGrain : IStateGrain<NoteRecord>, IGrainWithIntegerKey;

public abstract class StateGrain<T>(IPersistentState<T> state) : Grain, IStateGrain<T>
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task<StoredState<T>> Load() =>
        Task.FromResult(new StoredState<T>(state.State, state.Etag, state.RecordExists, _activationId));

    public async Task<string?> Save(T value)
    {
        state.State = value;
        await state.WriteStateAsync();
        return state.Etag;
    }

    public Task Clear() => state.ClearStateAsync();

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class TaskStateGrain([PersistentState("task", StorageCluster.StorageName)] IPersistentState<TaskRecord> state)
    : StateGrain<TaskRecord>(state), ITaskStateGrain;

public sealed class ProfileGrain([PersistentState("profile", StorageCluster.StorageName)] IPersistentState<ProfileRecord> state)
    : StateGrain<ProfileRecord>(state), IProfileGrain;

public sealed class NoteGrain([PersistentState("note", StorageCluster.StorageName)] IPersistentState<NoteRecord> state)
    : StateGrain<NoteRecord>(state), INoteGrain;
