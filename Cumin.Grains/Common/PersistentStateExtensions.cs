namespace Cumin.Grains.Common;

internal static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; when the write fails it may or may not have landed, so the activation is dropped and the
    /// next call reads what is really stored instead of answering from memory that storage never acknowledged.
    /// </summary>
    public static async Task WriteOrDeactivateAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
