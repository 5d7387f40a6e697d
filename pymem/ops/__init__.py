"""Operations on devices and arrays: simulate, read (MVM), program, train, sweep."""
