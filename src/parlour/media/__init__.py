"""Media tools: locating and running ffmpeg safely."""
