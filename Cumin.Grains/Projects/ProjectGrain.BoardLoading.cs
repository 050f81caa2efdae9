using Cumin.Grains.Board;
using Microsoft.Extensions.Logging;

namespace Cumin.Grains.Projects;

/// <summary>
/// Reading the board: once per activation, on first need, shared by every caller that interleaves meanwhile; the
/// writes reported while it is read are applied after it, and a read that a write of unknown outcome overtook
/// (<see cref="TaskWriteUncertain"/>) is dropped and begun again.
/// </summary>
public sealed partial class ProjectGrain
{
    /// <summary>The board, read from storage on first need; interleaving callers share the one read.</summary>
    private async Task<TaskBoard> BoardAsync()
    {
        // Again while a board read is dropped before it ends (a write of unknown outcome came in meanwhile).
        while (true)
        {
            if (_board is { } board)
            {
                return board;
            }

            if (_boardLoading is not { IsFaulted: false, IsCanceled: false })
            {
                _boardLoading = LoadBoardAsync();
            }

            await _boardLoading;
        }
    }

    private async Task LoadBoardAsync()
    {
        var started = timeProvider.GetTimestamp();
        var generation = _boardGeneration;
        _writtenWhileLoading = [];
        try
        {
            await ReadBoardAsync(started, generation);
        }
        catch when (generation == _boardGeneration)
        {
            _writtenWhileLoading = null;
            throw;
        }
    }

    private async Task ReadBoardAsync(long started, int generation)
    {
        var context = await ContextAsync();
        var board = new TaskBoard();
        var stale = new List<string>();
        await foreach (var task in catalog.LoadBoardAsync(Id))
        {
            var masked = context.Mask(task);
            if (!ReferenceEquals(masked, task))
            {
                stale.Add(task.Id);
            }

            board.Apply(task.Id, masked);
        }

        if (generation != _boardGeneration)
        {
            // Dropped while it was read: the next caller reads again (the writes since are in storage by then).
            return;
        }

        foreach (var (taskId, task) in _writtenWhileLoading ?? [])
        {
            Apply(board, taskId, task);
        }

        _writtenWhileLoading = null;
        _board = board;
        var elapsed = timeProvider.GetElapsedTime(started).TotalMilliseconds;
        LogBoardLoaded(logger, Id, board.Count, elapsed);

        // A removal or deletion whose repairs did not all land (the last activation ended first) is finished now.
        Repair(stale, state.State.UpdatedBy);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Project {ProjectId} read its board: {Count} tasks in {ElapsedMs:F0} ms")]
    private static partial void LogBoardLoaded(ILogger logger, string projectId, int count, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Project {ProjectId} dropped its board: a write of task {TaskId} ended without an answer, so it is read again from storage")]
    private static partial void LogBoardDropped(ILogger logger, string projectId, string taskId);
}
