"""The online meeting: joining details, the floor, attendance and the participation report."""
