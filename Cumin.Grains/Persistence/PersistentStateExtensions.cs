namespace Cumin.Grains.Persistence;

internal static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; when the write fails it may or may not have landed, so the activation is dropped and the
    /// next call reads what is really stored instead of answering from memory that storage never acknowledged.
    /// </summary>
    public static Task WriteOrDeactivateAsync<T>(this IPersistentState<T> state, IGrainBase grain) =>
        OrDeactivateAsync(state.WriteStateAsync, grain);

    /// <summary>Clears the state, on the same terms: a clear that failed may have landed, so memory is not trusted after it.</summary>
    public static Task ClearOrDeactivateAsync<T>(this IPersistentState<T> state, IGrainBase grain) =>
        OrDeactivateAsync(state.ClearStateAsync, grain);

    private static async Task OrDeactivateAsync(Func<Task> storage, IGrainBase grain)
    {
        try
        {
            await storage();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
