//! Every built-in validator on a passing and a failing value of each type it supports.
