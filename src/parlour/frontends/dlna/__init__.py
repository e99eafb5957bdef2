"""The DLNA/UPnP media server front end (issue 8): description, control, events,
media and discovery for the devices on the home network."""
