using System.Collections.Concurrent;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>
/// Writers renaming their own task over and over (one writer per task, one PATCH at a time), recording every
/// acknowledged write. Used while silos are killed or stopped: afterwards every acknowledged write must still be
/// there. A lost write shows in two ways: a later acknowledgement that reuses a version number (the grain came back
/// from an older state), or a final read that is not the last acknowledged write.
/// </summary>
public sealed class WriteStream(CuminApi api, string projectId, IReadOnlyList<string> taskIds)
{
    private readonly ConcurrentDictionary<string, List<TaskVersion>> _acknowledged = new();
    private int _failures;
    private int _attempts;

    public int Failures => _failures;

    public int Attempts => _attempts;

    public int Acknowledged => _acknowledged.Values.Sum(list => list.Count);

    public IReadOnlyList<TaskVersion> AcknowledgedFor(string taskId) => _acknowledged.TryGetValue(taskId, out var list) ? list : [];

    /// <summary>
    /// Writes until <paramref name="stop"/> is cancelled, then keeps each writer going until it has one more
    /// acknowledgement (so the last write of every task is an acknowledged one), for at most <paramref name="settle"/>.
    /// </summary>
    public Task RunAsync(TimeSpan settle, CancellationToken stop) =>
        Task.WhenAll(taskIds.Select(taskId => WriteAsync(taskId, settle, stop)));

    private async Task WriteAsync(string taskId, TimeSpan settle, CancellationToken stop)
    {
        var acknowledged = _acknowledged.GetOrAdd(taskId, _ => []);
        var n = 0;
        DateTime? settleBy = null;
        while (true)
        {
            if (stop.IsCancellationRequested)
            {
                settleBy ??= DateTime.UtcNow + settle;
                if (DateTime.UtcNow > settleBy)
                {
                    return;
                }
            }

            n++;
            Interlocked.Increment(ref _attempts);
            var result = await api.TryRenameAsync(projectId, taskId, $"{taskId}-write-{n}");
            if (result is null)
            {
                Interlocked.Increment(ref _failures);
                await Task.Delay(100, CancellationToken.None);
                continue;
            }

            lock (acknowledged)
            {
                acknowledged.Add(result);
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Every task: acknowledged versions strictly increase, and a fresh read returns the last acknowledged write.</summary>
    public async Task VerifyNothingAcknowledgedWasLostAsync(CuminApi reader)
    {
        foreach (var taskId in taskIds)
        {
            var acknowledged = AcknowledgedFor(taskId);
            Assert.NotEmpty(acknowledged);
            for (var i = 1; i < acknowledged.Count; i++)
            {
                Assert.True(
                    acknowledged[i].Version > acknowledged[i - 1].Version,
                    $"task {taskId}: write '{acknowledged[i].Title}' was acknowledged at version {acknowledged[i].Version} after " +
                    $"'{acknowledged[i - 1].Title}' at version {acknowledged[i - 1].Version}: an acknowledged write was lost");
            }

            var (status, current) = await reader.GetTaskAsync(projectId, taskId);
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            Assert.Equal(acknowledged[^1], current);
        }
    }
}
