"""Matplotlib figure functions: each returns a Figure, none calls ``plt.show``."""

from spinnet.plotting.hopfield import recall_grid, save_figure

__all__ = ["recall_grid", "save_figure"]
