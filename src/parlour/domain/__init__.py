"""Pure types and the error hierarchy shared by every layer; imports nothing from Parlour."""
